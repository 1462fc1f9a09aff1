import { sqsAttributeText, sqsMessageBody } from '../../functions/adapters/sqs-body';

/** What SQS accepts in a message: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
const ACCEPTED_BY_SQS = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** What the local SQS server accepts: the same without the astral planes. */
const ACCEPTED_BY_LOCAL_SQS = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]*$/;

const texts: [string, string][] = [
  ['plain ASCII', 'KRUSTY'],
  ['an emoji with a skin tone', 'Hi 👋🏽'],
  ['fullwidth letters', 'ＳＴＯＰ'],
  ['U+FFFE and U+FFFF (refused by every SQS)', 'a\uFFFEb\uFFFFc'],
  ['control characters and NUL', '\u0000\u0007\u001B[0m\t\r\n\u007F'],
  ['RTL marks and Arabic', '\u202Bمرحبا\u202C\u200F'],
  ['a lone surrogate of each half', '\uD83C \uDF54'],
  ['backslashes and quotes that look like escapes', '\\u0041 "\\"'],
  ['characters JSON allows raw but JavaScript once did not', '\u2028\u2029'],
];

describe('sqsMessageBody', () => {
  test.each(texts)('%s: printable ASCII only, accepted by SQS and the local server, parsed back unchanged', (_case, text) => {
    // Prepare
    const value = { body: text, nested: [{ [text]: text }], n: 1 };

    // Act
    const encoded = sqsMessageBody(value);

    // Assess
    expect(encoded).toMatch(/^[\x20-\x7e]*$/);
    expect(encoded).toMatch(ACCEPTED_BY_SQS);
    expect(encoded).toMatch(ACCEPTED_BY_LOCAL_SQS);
    expect(JSON.parse(encoded)).toEqual(value);
  });

  test('plain JSON stays as JSON.stringify writes it', () => {
    expect(sqsMessageBody({ to: '+15555550100', body: 'Reply HELP for help' })).toBe('{"to":"+15555550100","body":"Reply HELP for help"}');
  });

  test('a value JSON cannot represent is refused rather than sent as "undefined"', () => {
    expect(() => sqsMessageBody(undefined)).toThrow(/JSON-serialisable/);
  });
});

describe('sqsAttributeText', () => {
  test.each(texts)('%s: a reason attribute SQS accepts, at most 256 characters', (_case, text) => {
    // Act
    const attribute = sqsAttributeText(`items.0.${text}: ${'x'.repeat(300)}`);

    // Assess
    expect(attribute).toMatch(/^[\x20-\x7e]*$/);
    expect(attribute.length).toBeLessThanOrEqual(256);
  });
});
