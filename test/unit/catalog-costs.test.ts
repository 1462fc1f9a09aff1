import { validateCatalog } from '../../functions/domain/catalog';
import { costWarnings } from '../../functions/domain/catalog-costs';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');

function programWith(extra: Record<string, unknown>[]) {
  return validateCatalog([...demoItems, ...extra]).catalog.programs[0]!;
}

describe('segment costs of catalog copy', () => {
  test('the demo welcome with its disclosures is measured as two GSM-7 segments', () => {
    // Prepare
    const program = programWith([]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    expect(warnings).toContainEqual({
      key: 'PROGRAM#krusty-burger / TEMPLATE#welcome',
      field: 'body',
      reason: 'renders to 2 segments (183 GSM-7 units): each send costs 2× a one-segment text',
    });
  });

  test('a welcome with an image is one MMS: its length is not warned about', () => {
    // Prepare
    const program = programWith([{ pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#welcome', body: 'Welcome to {programName}! {offer}', mediaUrl: 'https://cdn.example/welcome.jpg' }]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    expect(program.templateMedia).toEqual({ welcome: 'https://cdn.example/welcome.jpg' });
    expect(warnings.map((w) => w.key)).not.toContain('PROGRAM#krusty-burger / TEMPLATE#welcome');
  });

  test('an emoji in an offer switches its coupon text to UCS-2 and is reported on the offer', () => {
    // Prepare
    const program = programWith([{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch', kind: 'lunch', copy: '🍔 $2 off any combo at lunch today.', validDays: 1 }]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    const lunch = warnings.find((w) => w.key === 'PROGRAM#krusty-burger / OFFER#lunch');
    expect(lunch?.reason).toMatch(/^renders to 2 segments \(\d+ UCS-2 /);
  });

  test('copy that fits one segment is not mentioned', () => {
    // Prepare
    const program = programWith([]);

    // Act
    const keys = costWarnings(program).map((w) => w.key);

    // Assess
    expect(keys).not.toContain('PROGRAM#krusty-burger / OFFER#lunch');
    expect(keys).not.toContain('PROGRAM#krusty-burger / TEMPLATE#fallback');
  });

  test.each([
    ['an offer for one state', { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-il', kind: 'lunch', copy: '🌭 Illinois: a free dog at lunch today.', validDays: 1, states: 'IL' }, 'PROGRAM#krusty-burger / OFFER#lunch-il', 'copy', /^renders to 2 segments \(\d+ UCS-2 /],
    ['a second lunch offer in the rotation', { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-b', kind: 'lunch', copy: `Free fries ${'and more '.repeat(15)}at lunch today.`, validDays: 1 }, 'PROGRAM#krusty-burger / OFFER#lunch-b', 'copy', /^renders to 2 segments \(\d+ GSM-7 /],
    ['a profile reward (sent with the coupon template)', { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#free-shake', kind: 'profile-reward', copy: '🥤 A free shake for telling us.', validDays: 14 }, 'PROGRAM#krusty-burger / OFFER#free-shake', 'copy', /^renders to 2 segments \(\d+ UCS-2 /],
    [
      'a question whose prompt promises a reward at length',
      { pk: 'PROGRAM#krusty-burger', sk: 'QUESTION#birthday', order: 3, prompt: `When's your birthday? Tell us and get a free shake, ${'a really good one, '.repeat(5)}on us.`, example: '7/14' },
      'PROGRAM#krusty-burger / QUESTION#birthday',
      'prompt',
      /^renders to 2 segments \(\d+ GSM-7 /,
    ],
  ])('%s is measured on its own key', (_, item, key, field, reason) => {
    // Prepare
    const program = programWith([item]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    expect(warnings).toContainEqual({ key, field, reason: expect.stringMatching(reason) });
  });

  test('the demo questions, as asked, fit one segment each', () => {
    // Act
    const keys = costWarnings(programWith([])).map((w) => w.key);

    // Assess
    expect(keys.filter((key) => key.includes('QUESTION#'))).toEqual([]);
  });
});

describe('copy with URLs is measured with the short links it goes out with', () => {
  const longUrl = 'https://krusty.example/menus/spring-2026/krabby-melt?ref=sms-campaign&lang=en-US&store=springfield-742-evergreen-terrace';
  const variant = (copy: string) => ({ pk: 'PROGRAM#krusty-burger', sk: 'CAMPAIGN#links', name: 'Links', status: 'draft', sendOn: '2026-03-10', localTime: '11:00', variants: [{ id: 'a', copy }] });

  test.each([
    ['a long URL: one segment as sent, though two as written', `Krusty Burger: the Krabby Melt is here, see ${longUrl} today.`, undefined, false],
    ['a long link base makes it two', `Krusty Burger: the Krabby Melt is here, see ${longUrl} today. Bring a friend, share the joy with everyone you know!`, 'https://a-very-long-custom-short-link-domain.example.com/links/go', true],
  ])('%s', (_case, copy, linkBase, warned) => {
    // Prepare
    const program = programWith([variant(copy)]);

    // Act
    const warnings = costWarnings(program, linkBase ? { linkBase } : {}).filter((w) => w.key === 'PROGRAM#krusty-burger / CAMPAIGN#links');

    // Assess
    expect(copy.length + ' Reply STOP to opt out.'.length).toBeGreaterThan(160);
    expect(warnings.length > 0).toBe(warned);
  });

  test('the review request (two long URLs) fits one segment as sent', () => {
    // Act
    const keys = costWarnings(programWith([])).map((w) => w.key);

    // Assess
    expect(keys).not.toContain('PROGRAM#krusty-burger / TEMPLATE#review-request');
  });
});
