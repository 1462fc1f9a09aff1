import { parseBirthday, parseEmail, parseMeal, parseZip } from '../../functions/domain/profile-answers';

describe('parseZip', () => {
  test.each([
    ['62701', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['  62701  ', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['62701.', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['62701-1234', { zip: '62701', zip4: '1234', state: 'IL', timeZone: 'America/Chicago' }],
    ['627011234', { zip: '62701', zip4: '1234', state: 'IL', timeZone: 'America/Chicago' }],
    ['my zip is 62701!', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['10001', { zip: '10001', state: 'NY', timeZone: 'America/New_York' }],
    ['90210', { zip: '90210', state: 'CA', timeZone: 'America/Los_Angeles' }],
    ['33101', { zip: '33101', state: 'FL', timeZone: 'America/New_York' }],
    ['73301', { zip: '73301', state: 'TX', timeZone: 'America/Chicago' }],
    ['75001', { zip: '75001', state: 'TX', timeZone: 'America/Chicago' }],
    ['02903', { zip: '02903', state: 'RI', timeZone: 'America/New_York' }],
    ['96813', { zip: '96813', state: 'HI', timeZone: 'Pacific/Honolulu' }],
    ['99501', { zip: '99501', state: 'AK', timeZone: 'America/Anchorage' }],
    ['00901', { zip: '00901', state: 'PR', timeZone: 'America/Puerto_Rico' }],
    ['00802', { zip: '00802', state: 'VI', timeZone: 'America/St_Thomas' }],
    ['96910', { zip: '96910', state: 'GU', timeZone: 'Pacific/Guam' }],
  ])('accepts %j', (text, expected) => {
    // Prepare: an SMS body containing one ZIP.
    // Act
    const result = parseZip(text);
    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['6270', 'not a 5-digit ZIP code'],
    ['627012', 'not a 5-digit ZIP code'],
    ['62701-12', 'not a 5-digit ZIP code'],
    ['abcde', 'no ZIP code found'],
    ['', 'no ZIP code found'],
    ['12 Main St 62701', 'more than one number'],
    ['62701 or 62702', 'more than one number'],
    ['00000', 'unknown ZIP code'],
    ['99999', 'unknown ZIP code'],
    ['09012', 'unknown ZIP code'],
  ])('rejects %j', (text, reason) => {
    // Prepare: an SMS body that is not exactly one usable ZIP.
    // Act
    const result = parseZip(text);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });
});

describe('parseBirthday', () => {
  test.each([
    ['7/14', 7, 14], ['07/14', 7, 14], ['7-14', 7, 14], ['7.14', 7, 14],
    ['July 14', 7, 14], ['Jul 14', 7, 14], ['jul 14th', 7, 14], ['Jul. 14', 7, 14],
    ['14 Jul', 7, 14], ['14 July', 7, 14], ['14th of July', 7, 14],
    ['July 14, 1990', 7, 14], ['14 July 1990', 7, 14], ['7/14/90', 7, 14], ['7/14/1990', 7, 14],
    ['1990-07-14', 7, 14], ['  july 14!  ', 7, 14],
    ['Sept 3rd', 9, 3], ['dec 31', 12, 31], ['1/1', 1, 1], ['2/29', 2, 29], ['May 5', 5, 5],
  ])('accepts %j', (text, month, day) => {
    // Prepare: a month/day in one of the supported spellings.
    // Act
    const result = parseBirthday(text);
    // Assess
    const monthDay = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    expect(result).toEqual({ ok: true, value: { month, day, monthDay } });
  });

  test.each([
    ['4/31', 'no such day in that month'],
    ['April 31', 'no such day in that month'],
    ['2/30', 'no such day in that month'],
    ['7/0', 'no such day in that month'],
    ['7/32', 'no such day in that month'],
    ['13/5', 'unknown month'],
    ['0/5', 'unknown month'],
    ['Juy 14', 'unknown month'],
    ['ju 14', 'unknown month'],
    ['July', 'not a month and day'],
    ['714', 'not a month and day'],
    ['7/14/199', 'not a month and day'],
    ['tomorrow', 'not a month and day'],
    ['', 'not a month and day'],
  ])('rejects %j', (text, reason) => {
    // Prepare: an impossible date or an unrecognised form.
    // Act
    const result = parseBirthday(text);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });
});

describe('parseEmail', () => {
  test.each([
    ['bob@example.com', 'bob@example.com'],
    ['  Bob.Smith+Loyalty@Example.CO.UK  ', 'bob.smith+loyalty@example.co.uk'],
    ['bob@mail.example.com.', 'bob@mail.example.com'],
    ['o\'neil@ex-ample.org', 'o\'neil@ex-ample.org'],
  ])('accepts %j', (text, expected) => {
    // Prepare: an address as a person would text it.
    // Act
    const result = parseEmail(text);
    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['bob@', 'not an email address'],
    ['bob at example dot com', 'not an email address'],
    ['bob@example', 'not an email address'],
    ['bob@@example.com', 'not an email address'],
    ['bob smith@example.com', 'not an email address'],
    ['@example.com', 'not an email address'],
    ['bob@-example.com', 'not an email address'],
    ['bob@example.c', 'not an email address'],
    ['', 'empty email'],
    [`bob@${'a'.repeat(250)}.com`, 'email too long'],
    [`${'b'.repeat(65)}@example.com`, 'email too long'],
  ])('rejects %j', (text, reason) => {
    // Prepare: something that is not a deliverable-looking address.
    // Act
    const result = parseEmail(text);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });
});

describe('parseMeal', () => {
  const choices = ['Burger', 'Chicken', 'Salad', 'Fries'] as const;

  test.each([
    ['2', 'Chicken'], ['2)', 'Chicken'], [' 4. ', 'Fries'], ['#1', 'Burger'],
    ['burger', 'Burger'], ['SALAD', 'Salad'], ['krusty burger', 'Burger'],
    ['the chicken please!', 'Chicken'], ['burgers', 'Burger'],
    ['burger and fries', 'burger and fries'],
    ['  Veggie   wrap ', 'Veggie wrap'],
    ['hamburgerhelper', 'hamburgerhelper'],
    ['Tofu 🌱', 'Tofu 🌱'],
    ['x'.repeat(50), 'x'.repeat(40)],
    [`${'a'.repeat(39)} b`, 'a'.repeat(39)],
  ])('accepts %j as %j', (text, expected) => {
    // Prepare: a reply to the favourite-meal question.
    // Act
    const result = parseMeal(text, choices);
    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['0', 'pick a number from 1 to 4'],
    ['5', 'pick a number from 1 to 4'],
    ['12345', 'pick a number from 1 to 4'],
    ['', 'no meal given'],
    ['   ', 'no meal given'],
    ['?!', 'no meal given'],
    ['1 2', 'no meal given'],
    ['a', 'no meal given'],
  ])('rejects %j', (text, reason) => {
    // Prepare: a reply with no usable meal in it.
    // Act
    const result = parseMeal(text, choices);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  test('a number with no choices offered is rejected', () => {
    // Prepare: a question sent without a numbered menu.
    const noChoices: readonly string[] = [];
    // Act
    const result = parseMeal('1', noChoices);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'no numbered choices' });
  });
});
