import { newSubscription, type Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { planCampaign } from '../../functions/domain/campaign-plan';
import { demoItems, springMenu } from '../support/campaign-fixtures';

function catalogWith(changes: Record<string, unknown> = {}) {
  const { catalog, problems } = validateCatalog([
    ...demoItems,
    springMenu({
      segment: { states: ['IL', 'WI'] },
      variants: [
        { id: 'sms', copy: 'Krusty Burger: the spring menu is here! {offer} Code {code}.' },
        { id: 'mms', copy: 'Krusty Burger: meet the Krabby Melt. Code {code}.', mediaUrl: 'https://cdn.example/melt.jpg' },
      ],
      ...changes,
    }),
  ]);
  expect(problems).toEqual([]);
  const program = catalog.programs[0]!;
  return { program, campaign: program.campaigns[0]! };
}

let numbers = 0;
function subscriber(profile: Subscription['profile'], extra: Partial<Subscription> = {}): Subscription {
  numbers += 1;
  return { ...newSubscription(`+1312555${String(numbers).padStart(4, '0')}`, 'krusty-burger'), status: 'subscribed', subscribedAt: '2026-03-01T15:00:00.000Z', version: 2, profile, ...extra };
}

const chicago = { zip: '62701', state: 'IL', timeZone: 'America/Chicago' };
const milwaukee = { zip: '53202', state: 'WI', timeZone: 'America/Chicago' };
const newYork = { zip: '10001', state: 'NY', timeZone: 'America/New_York' };
const AT = new Date('2026-03-09T12:00:00Z');

describe('the plan of a campaign, before anything is sent', () => {
  test('audience per zone and variant, who is left out and why, and what it costs', () => {
    // Prepare
    const { program, campaign } = catalogWith();
    const audience = [
      ...Array.from({ length: 6 }, () => subscriber(chicago)),
      subscriber(milwaukee),
      subscriber(newYork),
      subscriber({}),
      subscriber(chicago, { status: 'opted-out' }),
      // Already had today's marketing message (the demo allows one a day).
      subscriber(chicago, { marketingSentAt: ['2026-03-10T14:00:00.000Z'] }),
    ];

    // Act
    const plan = planCampaign(campaign, program, audience, { senderMps: 100, at: AT });

    // Assess
    expect(plan).toMatchObject({ stage: 'scheduled', subscribers: 11, audience: 7, excluded: { 'opted out': 1, 'no ZIP': 1, 'outside the segment': 1, capped: 1 }, outsideBy: { state: 1 } });
    expect(plan.zones).toEqual([
      expect.objectContaining({ zone: 'America/Chicago', recipients: 7, dueAt: '2026-03-10T16:00:00.000Z', allowedUntil: '2026-03-11T02:00:00.000Z', reached: 7, share: 1 }),
    ]);
    expect(plan.variants.map((v) => [v.id, v.mms, v.segments]).sort()).toEqual([['mms', true, 1], ['sms', false, 1]]);
    expect(plan.variants.reduce((sum, v) => sum + v.recipients, 0)).toBe(7);
    expect(plan.variants.find((v) => v.id === 'sms')!.sample).toMatch(/^Krusty Burger: the spring menu is here! .+ Code KB-7K2Q9X\. Reply STOP to opt out\.$/);
    expect(plan.price).toBeCloseTo(plan.variants.reduce((sum, v) => sum + v.recipients * v.priceEach, 0), 10);
    expect(plan.warnings).toEqual([]);
  });

  test('a variant without an image of its own goes as an MMS when its offer has one, and is priced as one', () => {
    // Prepare
    const items = demoItems.map((item) => (item.sk === 'OFFER#lunch' ? { ...item, mediaUrl: 'https://cdn.example/combo.jpg' } : item));
    const { catalog } = validateCatalog([...items, springMenu({ variants: [{ id: 'sms', copy: 'Krusty Burger: the spring menu is here! {offer} Code {code}.' }] })]);
    const program = catalog.programs[0]!;

    // Act
    const plan = planCampaign(program.campaigns[0]!, program, [subscriber(chicago)], { senderMps: 100, at: AT });

    // Assess
    expect(plan.variants).toEqual([expect.objectContaining({ id: 'sms', mms: true, segments: 1 })]);
  });

  test('a wave that cannot reach everyone before allowed hours end is warned about, with how many are skipped', () => {
    // Prepare: a 20:59 send in Chicago at a trickle of a rate
    const { program, campaign } = catalogWith({ localTime: '20:50', segment: {} });
    const audience = Array.from({ length: 20 }, () => subscriber(chicago));

    // Act
    const plan = planCampaign(campaign, program, audience, { senderMps: 0.02, at: AT });

    // Assess
    const [zone] = plan.zones;
    expect(zone!.reached).toBeLessThan(20);
    expect(plan.warnings).toEqual([expect.stringMatching(new RegExp(`^America/Chicago: ${20 - zone!.reached} of 20 cannot be reached before allowed hours end at 21:00`))]);
  });

  test('a draft is planned and says it sends nothing; a past campaign says it is finished', () => {
    const { program, campaign } = catalogWith({ status: 'draft' });
    expect(planCampaign(campaign, program, [], { senderMps: 100, at: AT }).warnings).toEqual(['draft: nothing is sent until its status is scheduled']);
    const past = catalogWith();
    expect(planCampaign(past.campaign, past.program, [], { senderMps: 100, at: new Date('2026-03-12T00:00:00Z') }).warnings).toEqual(['finished: 2026-03-10 has passed in every zone']);
  });

  test('copy with a URL is measured, priced and shown with the short link it goes out with', () => {
    // Prepare
    const url = 'https://krusty.example/menus/spring-2026/krabby-melt?ref=sms-campaign&lang=en-US&store=springfield-742-evergreen-terrace';
    const { program, campaign } = catalogWith({ variants: [{ id: 'sms', copy: `Krusty Burger: the spring menu is here! {offer} Code {code}. Menu: ${url}` }] });

    // Act
    const plan = planCampaign(campaign, program, [subscriber(chicago)], { senderMps: 100, at: AT, linkBase: 'https://go.example.com/l' });

    // Assess
    const [variant] = plan.variants;
    expect(variant!.sample).toMatch(/ Menu: https:\/\/go\.example\.com\/l\/\w{8}\b/);
    expect(variant!.sample).not.toContain('krusty.example');
    expect(variant!.segments).toBe(1);
  });
});
