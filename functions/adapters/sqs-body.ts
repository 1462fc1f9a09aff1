/**
 * SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a message
 * (and the local SQS server only up to #xFFFD): a text with U+FFFE, a lone surrogate or, locally, an
 * emoji would be refused and the text lost. Escaping every character outside printable ASCII as
 * \uXXXX (astral characters as their surrogate pair) keeps the body valid JSON that any SQS accepts,
 * and JSON.parse gives back exactly the value that was sent.
 */
const OUTSIDE_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

function escapeCodeUnit(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The message body for a value: JSON in printable ASCII only. */
export function sqsMessageBody(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('an SQS message body must be JSON-serialisable');
  // Outside printable ASCII, JSON.stringify's output can only hold characters of strings: escaping them keeps it JSON.
  return json.replace(OUTSIDE_PRINTABLE_ASCII, escapeCodeUnit);
}

/** A string message attribute for people to read (e.g. a reason): escaped the same way, at most `max` characters. */
export function sqsAttributeText(text: string, max = 256): string {
  return text.replace(OUTSIDE_PRINTABLE_ASCII, escapeCodeUnit).slice(0, max);
}
