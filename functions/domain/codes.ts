/**
 * Coupon and referral codes. Pure: randomness comes in as bytes (the adapter passes
 * `crypto.randomBytes(n)`), so the same bytes always give the same code.
 */

/** Unambiguous when read aloud or typed from a phone screen: no 0/O, no 1/I. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

// Bounds for what normalizeCode accepts as the random part: we issue 6 by default; fewer
// than 4 characters is too guessable to be one of ours, more than 12 is junk, not a typo.
const MIN_BODY = 4;
const MAX_BODY = 12;
const PREFIX = /^[A-Z]{1,3}$/;

/**
 * One byte per character. CODE_ALPHABET has 32 characters and 256 = 8 × 32, so each of the
 * 256 byte values maps to exactly 8 bytes per character: `byte % 32` is uniform without
 * rejection sampling. (If the alphabet ever stops being a power of two this must change.)
 */
function drawBody(randomBytes: Uint8Array, length: number): string {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`code length must be a positive integer, got ${length}`);
  if (randomBytes.length < length) throw new RangeError(`need ${length} random bytes, got ${randomBytes.length}`);
  let body = '';
  for (let i = 0; i < length; i++) body += CODE_ALPHABET[randomBytes[i]! % CODE_ALPHABET.length];
  return body;
}

/**
 * A code like KB-7K2Q9X: program prefix, dash, `length` characters from CODE_ALPHABET.
 * Uses the first `length` bytes; extra bytes are ignored. The prefix must be 1-3 letters
 * A-Z (what codePrefix returns): a prefix never holds digits, which is what lets
 * normalizeCode repair a typed 0/1 there.
 */
export function couponCode(prefix: string, randomBytes: Uint8Array, length = 6): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`coupon prefix must be 1-3 letters A-Z, got "${prefix}"`);
  return `${prefix}-${drawBody(randomBytes, length)}`;
}

/** Referral codes are shorter and have no prefix: what a friend types after the keyword, e.g. "KRUSTY 7K2Q9X". */
export function referralCode(randomBytes: Uint8Array, length = 6): string {
  return drawBody(randomBytes, length);
}

/** The first letter of a word, accents removed ("Über" → U); nothing if that letter is not A-Z ("Ørsted"). */
function initial(word: string): string {
  const first = word.normalize('NFD').replace(/\p{M}/gu, '').match(/\p{L}/u)?.[0]?.toUpperCase();
  return first && /^[A-Z]$/.test(first) ? first : '';
}

/**
 * Prefix from a program: the initials of its brand name words, upper case, max 3 letters
 * (Krusty Burger → KB, Bob's Big Boy → BBB, A&W → AW, Kwik-E-Mart → KEM). Words are split on
 * anything but letters, digits and apostrophes; words without a leading A-Z letter ("7" in
 * 7-Eleven) give no initial. A one-word brand gives a one-letter prefix (Krusty → K): the
 * programId fallback (first 2 letters, krusty-burger → KR) is only for brands with no usable
 * initials at all. Throws when neither has a letter: the catalog is broken, not the customer.
 * Prefixes may contain I or O (they are the brand's letters); normalizeCode handles that.
 */
export function codePrefix(program: { brandName: string; programId: string }): string {
  const fromBrand = program.brandName.split(/[^\p{L}\p{N}'’]+/u).map(initial).join('').slice(0, 3);
  if (fromBrand) return fromBrand;
  const fromId = program.programId.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 2);
  if (fromId) return fromId;
  throw new RangeError(`program ${program.programId} has no letters for a code prefix`);
}

/**
 * Normalises what a person typed or a POS sent. Returns the canonical code, or undefined
 * when the text cannot be one of our codes. Resolutions:
 * - Trims, upper-cases, drops surrounding quotes and sentence punctuation ("kb-7k2q9x!").
 * - Any run of spaces and/or dashes (including the en/em dashes phones auto-correct "--" to)
 *   is one separator "-": "KB 7K2Q9X" and "KB - 7K2Q9X" both give "KB-7K2Q9X". At most one
 *   separator, so chunked input like "7K2 Q9X" fails (its "prefix" has digits) rather than
 *   being guessed.
 * - The random part must be CODE_ALPHABET only. A typed 0, O, 1 or I there is rejected, not
 *   mapped: none of them is ever issued, so we cannot know which character was meant
 *   (0 → O would be just as wrong, since O is excluded too).
 * - The prefix is letters only, so a digit there is unambiguous: 0 → O and 1 → I.
 * - With a separator it is a coupon code (PREFIX-BODY); without, a referral code (BODY).
 */
export function normalizeCode(text: string): string | undefined {
  const tidy = text
    .trim()
    .toUpperCase()
    .replace(/^["'“‘(]+|["'”’).!?,;:]+$/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\s-]*-[\s-]*|\s+/g, '-');
  const parts = tidy.split('-');
  if (parts.length > 2) return undefined;
  const body = parts[parts.length - 1]!;
  const bodyOk = body.length >= MIN_BODY && body.length <= MAX_BODY && [...body].every((c) => CODE_ALPHABET.includes(c));
  if (!bodyOk) return undefined;
  if (parts.length === 1) return body;
  const prefix = parts[0]!.replace(/0/g, 'O').replace(/1/g, 'I');
  return PREFIX.test(prefix) ? `${prefix}-${body}` : undefined;
}
