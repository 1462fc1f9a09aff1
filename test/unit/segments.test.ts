import { measureSegments } from '../../functions/domain/segments';

const GSM7_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const a = (n: number) => 'a'.repeat(n);
const c = (n: number) => 'ç'.repeat(n); // lowercase c-cedilla is not in GSM-7 (only Ç is)

describe('measureSegments', () => {
  test.each([
    ['empty text', '', 'GSM-7', 0, 0],
    ['one character', 'a', 'GSM-7', 1, 1],
    ['160 GSM chars', a(160), 'GSM-7', 160, 1],
    ['161 GSM chars', a(161), 'GSM-7', 161, 2],
    ['306 GSM chars', a(306), 'GSM-7', 306, 2],
    ['307 GSM chars', a(307), 'GSM-7', 307, 3],
    ['the whole GSM 03.38 basic table', GSM7_BASIC_TABLE, 'GSM-7', 127, 1],
    ['a euro sign', '€', 'GSM-7', 2, 1],
    ['80 chars + 40 euro signs', a(80) + '€'.repeat(40), 'GSM-7', 160, 1],
    ['159 chars + a euro sign', a(159) + '€', 'GSM-7', 161, 2],
    ['an extension pair kept whole across a split', a(152) + '€' + a(152), 'GSM-7', 306, 3],
    ['100 chars + one emoji', a(100) + '😀', 'UCS-2', 102, 2],
    ['curly apostrophe', 'Don’t', 'UCS-2', 5, 1],
    ['curly double quotes', '“Hi”', 'UCS-2', 4, 1],
    ['accent outside GSM-7', 'á', 'UCS-2', 1, 1],
    ['a tab', 'a\tb', 'UCS-2', 3, 1],
    ['extension char in UCS-2 costs one unit', 'ç{', 'UCS-2', 2, 1],
    ['70 UCS-2 chars', c(70), 'UCS-2', 70, 1],
    ['71 UCS-2 chars', c(71), 'UCS-2', 71, 2],
    ['134 UCS-2 chars', c(134), 'UCS-2', 134, 2],
    ['135 UCS-2 chars', c(135), 'UCS-2', 135, 3],
    ['a surrogate pair kept whole across a split', c(66) + '😀' + c(66), 'UCS-2', 134, 3],
  ])('%s', (_case, text, encoding, units, segments) => {
    // Prepare
    const body = text;
    // Act
    const measure = measureSegments(body);
    // Assess
    expect(measure).toEqual({ encoding, units, segments });
  });

  test.each(Array.from('|^{}[]~\\€\f'))('extension character %j counts 2 units', (char) => {
    // Prepare
    const body = char;
    // Act
    const measure = measureSegments(body);
    // Assess
    expect(measure).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
  });
});
