import { randomBytes } from 'node:crypto';
import { CODE_ALPHABET, codePrefix, couponCode, normalizeCode, referralCode } from '../../functions/domain/codes';

const COUPON_SHAPE = /^KB-[A-HJ-NP-Z2-9]{6}$/;

describe('couponCode and referralCode', () => {
  test('a coupon code is the prefix, a dash and six alphabet characters', () => {
    // Prepare
    const bytes = randomBytes(6);

    // Act
    const code = couponCode('KB', bytes);

    // Assess
    expect(code).toMatch(COUPON_SHAPE);
  });

  test('the same bytes always give the same code, and each byte is used modulo 32', () => {
    // Prepare: 7=29, K=9, 2=24, Q=14, 9=31, X=21, some pushed up by multiples of 32.
    const bytes = Uint8Array.from([29, 9 + 32, 24 + 64, 14 + 128, 31 + 224, 21, 99]);

    // Act
    const codes = [couponCode('KB', bytes), couponCode('KB', bytes), referralCode(bytes)];

    // Assess
    expect(codes).toEqual(['KB-7K2Q9X', 'KB-7K2Q9X', '7K2Q9X']);
  });

  test('the length option takes that many bytes', () => {
    // Prepare
    const bytes = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);

    // Act
    const codes = [couponCode('KB', bytes, 8), referralCode(bytes, 4)];

    // Assess
    expect(codes).toEqual(['KB-ABCDEFGH', 'ABCD']);
  });

  test('every alphabet character is reachable, each from exactly 8 of the 256 byte values', () => {
    // Prepare
    const allBytes = Array.from({ length: 256 }, (_, byte) => byte);

    // Act
    const counts = new Map<string, number>();
    for (const byte of allBytes) {
      const char = referralCode(Uint8Array.from([byte]), 1);
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }

    // Assess
    expect([...counts.keys()].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
    expect(new Set(counts.values())).toEqual(new Set([8]));
  });

  test('no 0, O, 1 or I ever appears across many random codes', () => {
    // Prepare
    const samples = Array.from({ length: 2000 }, () => randomBytes(6));

    // Act
    const bad = samples.map((bytes) => couponCode('KB', bytes)).filter((code) => !COUPON_SHAPE.test(code) || /[0O1I]/.test(code.slice(3)));

    // Assess
    expect(bad).toEqual([]);
  });

  test('too few bytes, a bad length or a bad prefix is a programming error', () => {
    // Prepare
    const five = randomBytes(5);

    // Act
    const calls = [
      () => couponCode('KB', five),
      () => referralCode(five, 0),
      () => couponCode('kb', randomBytes(6)),
      () => couponCode('KB1', randomBytes(6)),
      () => couponCode('', randomBytes(6)),
    ];

    // Assess
    for (const call of calls) expect(call).toThrow(RangeError);
  });
});

describe('codePrefix', () => {
  test.each([
    ['Krusty Burger', 'krusty-burger', 'KB'],
    ["Bob's Big Boy", 'bobs', 'BBB'],
    ['The Krusty Krab Restaurant Group', 'krab', 'TKK'],
    ['A&W', 'aw', 'AW'],
    ['Kwik-E-Mart', 'kwik-e-mart', 'KEM'],
    ['7-Eleven', 'seven-eleven', 'E'],
    ['krusty', 'krusty-burger', 'K'],
    ['Über Eats', 'uber', 'UE'],
    ['Ørsted Café', 'orsted', 'C'],
    ['123 456', 'krusty-burger', 'KR'],
    ['  ', '7-eleven', 'EL'],
  ])('%j (programId %s) → %s', (brandName, programId, expected) => {
    // Prepare
    const program = { brandName, programId };

    // Act
    const prefix = codePrefix(program);

    // Assess
    expect(prefix).toBe(expected);
  });

  test('a program with no letters anywhere cannot have a prefix', () => {
    // Prepare
    const program = { brandName: '123', programId: '456' };

    // Act
    const call = () => codePrefix(program);

    // Assess
    expect(call).toThrow('program 456 has no letters for a code prefix');
  });
});

describe('normalizeCode', () => {
  test.each([
    [' kb-7k2q9x ', 'KB-7K2Q9X'],
    ['KB-7K2Q9X', 'KB-7K2Q9X'],
    ['KB 7K2Q9X', 'KB-7K2Q9X'],
    ['kb - 7k2q9x', 'KB-7K2Q9X'],
    ['KB--7K2Q9X', 'KB-7K2Q9X'],
    ['KB–7K2Q9X', 'KB-7K2Q9X'],
    ['KB—7K2Q9X', 'KB-7K2Q9X'],
    ['"KB-7K2Q9X".', 'KB-7K2Q9X'],
    ['kb-7k2q9x!', 'KB-7K2Q9X'],
    ['7k2q9x', '7K2Q9X'],
    [' 7K2Q9X? ', '7K2Q9X'],
    ['0B-7K2Q9X', 'OB-7K2Q9X'],
    ['B1-7K2Q9X', 'BI-7K2Q9X'],
    ['KB-ABCD', 'KB-ABCD'],
    ['KB-ABCDEFGHJKLM', 'KB-ABCDEFGHJKLM'],
  ])('%j → %j', (text, expected) => {
    // Prepare
    const typed = text;

    // Act
    const code = normalizeCode(typed);

    // Assess
    expect(code).toBe(expected);
  });

  test.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['KB-7K2Q90', '0 in the random part: never issued, cannot tell what was meant'],
    ['KB-7K2QOX', 'O in the random part'],
    ['KB-7K2Q1X', '1 in the random part'],
    ['KB-7K2QIX', 'I in the random part'],
    ['KB-7K2', 'too short'],
    ['KB-ABCDEFGHJKLMN', 'too long'],
    ['7K2 Q9X', 'chunked: the "prefix" has digits'],
    ['KB-7K2-Q9X', 'two separators'],
    ['KBXY-7K2Q9X', 'prefix longer than 3 letters'],
    ['-7K2Q9X', 'empty prefix'],
    ['KB-7K2Q9X-', 'empty random part'],
    ['KB_7K2Q9X', 'underscore'],
    ['KB-7K2Q9É', 'accented letter'],
  ])('%j is not a code (%s)', (text) => {
    // Prepare
    const typed = text;

    // Act
    const code = normalizeCode(typed);

    // Assess
    expect(code).toBeUndefined();
  });

  test('every code we issue normalises to itself', () => {
    // Prepare
    const issued = Array.from({ length: 500 }, () => [couponCode('KB', randomBytes(6)), referralCode(randomBytes(6))]).flat();

    // Act
    const changed = issued.filter((code) => normalizeCode(code) !== code || normalizeCode(code.toLowerCase()) !== code);

    // Assess
    expect(changed).toEqual([]);
  });
});
