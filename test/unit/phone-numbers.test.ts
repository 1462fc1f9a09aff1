import { countryOf, isE164, maskedError, maskPhone, maskPhonesIn, normalizeAddress } from '../../functions/domain/phone-numbers';

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

describe('isE164', () => {
  test.each([
    ['+15551234567', true],
    ['+447700900123', true],
    ['55155', false],
    ['611', false],
    ['555155', false],
    ['KRUSTY', false],
    ['15551234567', false],
    ['+0123456789', false],
  ])('%j → %j', (address, expected) => {
    // Prepare
    const candidate = address;
    // Act
    const result = isE164(candidate);
    // Assess
    expect(result).toBe(expected);
  });
});

describe('countryOf', () => {
  test.each([
    ['+12125551234', 'US', 'a New York number'],
    ['+15551234567', 'US', 'the fictional 555 range: +1 numbers nobody can place count as the US'],
    ['+16135550123', 'CA', 'an Ottawa number'],
    ['+17875550123', 'PR', 'a Puerto Rico number (its own ISO country)'],
    ['+18765550123', 'JM', 'a Jamaica number: +1, but abroad'],
    ['+447911123456', 'GG', 'a +44 mobile range libphonenumber places in Guernsey'],
    ['+447700900123', 'GB', 'a UK mobile'],
    ['+5511999999999', 'BR', 'a Brazilian mobile'],
    ['55155', undefined, 'a short code'],
  ])('%j → %j (%s)', (phone, expected, _why) => {
    // Prepare
    const number = phone;
    // Act
    const country = countryOf(number);
    // Assess
    expect(country).toBe(expected);
  });
});

describe('maskPhonesIn', () => {
  test.each([
    ['conversation changed concurrently: PHONE#+15551234567 / STATE#PHONE', 'conversation changed concurrently: PHONE#+1******4567 / STATE#PHONE'],
    ['offer marker OFFER#krusty-burger#referral#+15557654321 has no coupon', 'offer marker OFFER#krusty-burger#referral#+1******4321 has no coupon'],
    ["The 'To' number +447700900123 is not a valid phone number.", "The 'To' number +4*******0123 is not a valid phone number."],
    ['GET /Messages.json?To=%2B15551234567&From=55155', 'GET /Messages.json?To=%2B1******4567&From=55155'],
    ['two numbers: +15551234567, +12125550199.', 'two numbers: +1******4567, +1******0199.'],
    ['short code 55155 and MessageSid SM0123456789abcdef stay as they are', 'short code 55155 and MessageSid SM0123456789abcdef stay as they are'],
    ['already masked: +1******4567', 'already masked: +1******4567'],
  ])('%j → %j', (text, expected) => {
    // Prepare
    const message = text;
    // Act
    const masked = maskPhonesIn(message);
    // Assess
    expect(masked).toBe(expected);
  });
});

describe('maskedError', () => {
  test('keeps the name and masks the message and the stack', () => {
    // Prepare
    const error = new TypeError('no subscription for PHONE#+15551234567');
    // Act
    const masked = maskedError(error);
    // Assess
    expect(masked.name).toBe('TypeError');
    expect(masked.message).toBe('no subscription for PHONE#+1******4567');
    expect(masked.stack).toContain('PHONE#+1******4567');
    expect(`${masked.message} ${masked.stack}`).not.toContain('+15551234567');
  });

  test('a thrown non-error becomes an error with the number masked', () => {
    // Prepare
    const thrown = 'failed for +15551234567';
    // Act
    const masked = maskedError(thrown);
    // Assess
    expect(masked.message).toBe('failed for +1******4567');
  });
});
