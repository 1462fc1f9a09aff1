import { maskPhone, normalizeAddress } from '../../functions/domain/phone-numbers';

describe('normalizeAddress', () => {
  test.each([
    ['(555) 123-4567', '+15551234567'],
    ['555-123-4567', '+15551234567'],
    ['555.123.4567', '+15551234567'],
    ['5551234567', '+15551234567'],
    ['1 555 123 4567', '+15551234567'],
    ['+1 555 123 4567', '+15551234567'],
    ['+15551234567', '+15551234567'],
    ['  +1 (555) 123-4567  ', '+15551234567'],
    ['+44 7700 900123', '+447700900123'],
    ['55155', '55155'],
    [' 55155 ', '55155'],
    ['555155', '555155'],
  ])('%j → %j', (raw, expected) => {
    // Prepare
    const address = raw;
    // Act
    const normalized = normalizeAddress(address);
    // Assess
    expect(normalized).toBe(expected);
  });

  test.each(['', '   ', 'hello', 'not a number', '12', '+1', '+1 555', 'KRUSTY', '+1 555 123 4567 890 12'])(
    'garbage %j → undefined',
    (raw) => {
      // Prepare
      const address = raw;
      // Act
      const normalized = normalizeAddress(address);
      // Assess
      expect(normalized).toBeUndefined();
    },
  );
});

describe('maskPhone', () => {
  test.each([
    ['+15551234567', '+1******4567'],
    ['+447700900123', '+4*******0123'],
    ['+12125550199', '+1******0199'],
  ])('%j is masked as %j', (phone, expected) => {
    // Prepare
    const number = phone;
    // Act
    const masked = maskPhone(number);
    // Assess
    expect(masked).toBe(expected);
  });

  test.each(['+15551234567', '+447700900123', '+12125550199', '+61412345678', '+4915123456789'])(
    '%j keeps the last 4 digits and never shows the middle digits',
    (phone) => {
      // Prepare
      const middle = phone.slice(2, -4);
      // Act
      const masked = maskPhone(phone);
      // Assess
      expect(masked.endsWith(phone.slice(-4))).toBe(true);
      expect(masked).not.toContain(middle);
      expect(masked).toHaveLength(phone.length);
      expect(masked.slice(2, -4)).toMatch(/^\*+$/);
    },
  );

  test('a short code is not personal data and is kept as it is', () => {
    // Prepare
    const shortCode = '55155';
    // Act
    const masked = maskPhone(shortCode);
    // Assess
    expect(masked).toBe('55155');
  });
});
