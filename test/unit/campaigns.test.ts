import { newSubscription, type Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { costWarnings } from '../../functions/domain/catalog-costs';
import { demoItems, springMenu } from '../support/campaign-fixtures';
import { campaignStage, dueAt, outsideSegment, segmentFacts, variantFor, type Campaign, type SegmentFacts } from '../../functions/domain/campaigns';

const KEY = 'PROGRAM#krusty-burger / CAMPAIGN#spring-menu';

describe('a campaign in the catalog', () => {
  test('a valid campaign is loaded with its program, weights defaulting to 1 and state codes upper-cased', () => {
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, springMenu()]);

    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs[0]!.campaigns).toEqual([
      expect.objectContaining({
        campaignId: 'spring-menu',
        programId: 'krusty-burger',
        status: 'scheduled',
        segment: { states: ['IL', 'WI'] },
        offerId: 'lunch',
        variants: [expect.objectContaining({ id: 'a', weight: 2 }), expect.objectContaining({ id: 'b', weight: 1, mediaUrl: 'https://cdn.example/melt.jpg' })],
      }),
    ]);
  });

  test.each([
    ['a date that does not exist', { sendOn: '2026-02-30' }, 'sendOn'],
    ['a time that is not HH:MM', { localTime: '11am' }, 'localTime'],
    ['a status other than draft or scheduled', { status: 'live' }, 'status'],
    ['a state code that is not one', { segment: { states: ['XX'] } }, 'segment.states.0'],
    ['a ZIP prefix with letters', { segment: { zipPrefixes: ['62a'] } }, 'segment.zipPrefixes.0'],
    ['not purchased within a longer time than purchased within', { segment: { purchasedWithinDays: 30, notPurchasedWithinDays: 90 } }, 'segment.notPurchasedWithinDays'],
    ['no variant', { variants: [] }, 'variants'],
    ['two variants with one id', { variants: [{ id: 'a', copy: 'one' }, { id: 'a', copy: 'two' }] }, 'variants'],
    ['an image the carrier cannot fetch safely (http)', { variants: [{ id: 'a', copy: 'Look!', mediaUrl: 'http://cdn.example/a.jpg' }] }, 'variants.0.mediaUrl'],
    ['an offer the program does not have', { offer: 'OFFER#free-car' }, 'offer'],
    ['a coupon code without an offer', { offer: undefined }, 'variants.0.copy'],
    ['a placeholder nobody fills', { variants: [{ id: 'a', copy: 'Hi {firstName}!' }] }, 'variants.0.copy'],
  ])('%s is reported by key and field, and the campaign is left out', (_case, changes, field) => {
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, springMenu(changes)]);

    // Assess
    expect(problems).toEqual([expect.objectContaining({ key: KEY, field, reason: expect.any(String) })]);
    expect(catalog.programs[0]!.campaigns).toEqual([]);
  });

  test('a coupon placeholder without an offer says what is missing', () => {
    const { problems } = validateCatalog([...demoItems, springMenu({ offer: undefined })]);
    expect(problems[0]!.reason).toBe('{offer}, {code}, {validUntil} need an offer (set offer)');
  });
});

describe('what a campaign\'s copy costs', () => {
  test('an SMS variant longer than a segment is warned about, with its offer in it; an MMS variant is one message whatever its length', () => {
    // Prepare
    const long = 'Krusty Burger: the spring menu is here, with the Krabby Melt, curly fries and a brand new shake in three flavours. {offer} Code {code}.';
    const { catalog } = validateCatalog([...demoItems, springMenu({ variants: [{ id: 'sms', copy: long }, { id: 'mms', copy: long, mediaUrl: 'https://cdn.example/menu.jpg' }] })]);

    // Act
    const warnings = costWarnings(catalog.programs[0]!).filter((warning) => warning.key === KEY);

    // Assess
    expect(warnings).toEqual([{ key: KEY, field: 'variants.0.copy', reason: expect.stringMatching(/^renders to 2 segments/) }]);
  });
});

describe('an offer with an image', () => {
  const lunchWith = (mediaUrl: string, copy = 'Two Krusty Combos for the price of one, only at lunch today, with curly fries and a shake of your choice, in every Krusty Burger near you') =>
    demoItems.map((item) => (item.sk === 'OFFER#lunch' ? { ...item, mediaUrl, copy } : item));

  test('is an MMS: its long copy is not warned about as SMS segments', () => {
    const { catalog, problems } = validateCatalog(lunchWith('https://cdn.example/combo.jpg'));
    expect(problems).toEqual([]);
    expect(catalog.programs[0]!.offers.find((offer) => offer.offerId === 'lunch')).toMatchObject({ mediaUrl: 'https://cdn.example/combo.jpg' });
    expect(costWarnings(catalog.programs[0]!).filter((warning) => warning.key.endsWith('OFFER#lunch'))).toEqual([]);
  });

  test('must be an https image the carrier can fetch', () => {
    const { problems } = validateCatalog(lunchWith('http://cdn.example/combo.jpg'));
    expect(problems).toEqual([{ key: 'PROGRAM#krusty-burger / OFFER#lunch', field: 'mediaUrl', reason: 'must be an https URL (the carrier fetches it)' }]);
  });
});

describe('who is in a segment', () => {
  const AT = new Date('2026-03-10T12:00:00Z');
  const days = (n: number) => new Date(AT.getTime() - n * 86_400_000).toISOString();
  const facts: SegmentFacts = { state: 'IL', zip: '62701', timeZone: 'America/Chicago', meal: 'Burger', keyword: 'KRUSTY', joinedAt: days(10), lastPurchaseAt: days(40) };

  test.each([
    ['no conditions: everyone', {}, undefined],
    ['their state', { states: ['IL', 'WI'] }, undefined],
    ['another state', { states: ['WI'] }, 'state'],
    ['their ZIP prefix', { zipPrefixes: ['627'] }, undefined],
    ['another ZIP prefix', { zipPrefixes: ['606'] }, 'zip'],
    ['their zone', { timeZones: ['America/Chicago'] }, undefined],
    ['another zone', { timeZones: ['America/New_York'] }, 'time zone'],
    ['their meal, in any case', { meals: ['burger'] }, undefined],
    ['another meal', { meals: ['Salad'] }, 'meal'],
    ['the keyword they joined with', { keywords: ['KRUSTY'] }, undefined],
    ['a billboard alias they did not use', { keywords: ['KBILLBOARD'] }, 'keyword'],
    ['joined within 30 days', { joinedWithinDays: 30 }, undefined],
    ['joined within 7 days', { joinedWithinDays: 7 }, 'joined'],
    ['bought within 60 days', { purchasedWithinDays: 60 }, undefined],
    ['bought within 30 days', { purchasedWithinDays: 30 }, 'purchased'],
    ['lapsing: bought within 90 days, not within 30', { purchasedWithinDays: 90, notPurchasedWithinDays: 30 }, undefined],
    ['not bought within 60 days', { notPurchasedWithinDays: 60 }, 'purchased recently'],
    ['every condition must hold', { states: ['IL'], meals: ['Salad'] }, 'meal'],
  ])('%s', (_case, segment, expected) => {
    expect(outsideSegment(facts, segment, AT)).toBe(expected);
  });

  test('someone who never gave a ZIP or a meal is outside any segment that asks for one, and inside one that does not', () => {
    const unknown: SegmentFacts = { timeZone: 'America/New_York', keyword: 'KRUSTY' };
    expect([outsideSegment(unknown, { states: ['NY'] }, AT), outsideSegment(unknown, { meals: ['Fries'] }, AT), outsideSegment(unknown, { keywords: ['KRUSTY'] }, AT)]).toEqual(['state', 'meal', undefined]);
  });

  test('a subscription\'s facts: its profile, the keyword of its latest opt-in, when it joined and last bought', () => {
    // Prepare
    const subscription: Subscription = {
      ...newSubscription('+15551230001', 'krusty-burger'),
      status: 'subscribed',
      subscribedAt: '2026-03-01T15:00:00.000Z',
      lastPurchaseAt: '2026-03-05T18:00:00.000Z',
      profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago', meal: 'Burger' },
      consentLog: [
        { phone: '+15551230001', programId: 'krusty-burger', action: 'opt-in', at: '2026-01-01T10:00:00.000Z', source: 'sms', shortCode: '55155', rawText: 'KRUSTY', keyword: 'KRUSTY' },
        { phone: '+15551230001', programId: 'krusty-burger', action: 'opt-out', at: '2026-02-01T10:00:00.000Z', source: 'sms', shortCode: '55155', rawText: 'STOP' },
        { phone: '+15551230001', programId: 'krusty-burger', action: 'opt-in', at: '2026-03-01T15:00:00.000Z', source: 'sms', shortCode: '55155', rawText: 'kburger', keyword: 'kburger' },
      ],
    };

    // Act / Assess
    expect(segmentFacts(subscription, 'America/Chicago')).toEqual({
      state: 'IL', zip: '62701', meal: 'Burger', timeZone: 'America/Chicago', keyword: 'KBURGER', joinedAt: '2026-03-01T15:00:00.000Z', lastPurchaseAt: '2026-03-05T18:00:00.000Z',
    });
  });
});

describe('which variant a recipient gets', () => {
  const campaign = { campaignId: 'spring-menu', variants: [{ id: 'a', copy: 'A', weight: 7 }, { id: 'b', copy: 'B', weight: 3 }] };
  const phones = Array.from({ length: 10_000 }, (_, i) => `+1555${String(i).padStart(7, '0')}`);

  test('split by weight (70/30 within 2 points over 10,000 numbers)', () => {
    const shareA = phones.filter((phone) => variantFor(campaign, phone).id === 'a').length / phones.length;
    expect(shareA).toBeGreaterThan(0.68);
    expect(shareA).toBeLessThan(0.72);
  });

  test('the same person always gets the same variant, and another campaign splits people afresh', () => {
    const first = phones.map((phone) => variantFor(campaign, phone).id);
    const again = phones.map((phone) => variantFor(campaign, phone).id);
    const other = phones.map((phone) => variantFor({ ...campaign, campaignId: 'summer-menu' }, phone).id);
    expect(again).toEqual(first);
    const sameInBoth = other.filter((id, i) => id === first[i]).length / phones.length;
    // Independent 70/30 splits agree 0.7² + 0.3² = 58% of the time; one split reused would agree 100%.
    expect(sameInBoth).toBeGreaterThan(0.55);
    expect(sameInBoth).toBeLessThan(0.61);
  });
});

describe('when a campaign is due', () => {
  const campaign: Pick<Campaign, 'sendOn' | 'localTime' | 'status'> = { sendOn: '2026-03-08', localTime: '11:00', status: 'scheduled' };

  test.each([
    // 2026-03-08 is the day US clocks spring forward: 11:00 is already daylight time.
    ['America/New_York', '2026-03-08T15:00:00.000Z'],
    ['America/Chicago', '2026-03-08T16:00:00.000Z'],
    ['America/Phoenix', '2026-03-08T18:00:00.000Z'],
    ['America/Los_Angeles', '2026-03-08T18:00:00.000Z'],
    ['Pacific/Honolulu', '2026-03-08T21:00:00.000Z'],
  ])('in %s at %s', (zone, expected) => {
    expect(dueAt(campaign, zone).toISOString()).toBe(expected);
  });

  test.each([
    ['a draft never sends', { ...campaign, status: 'draft' as const }, '2026-03-08T16:00:00Z', 'draft'],
    ['scheduled before and on its date', campaign, '2026-03-08T16:00:00Z', 'scheduled'],
    ['still scheduled while the date lasts somewhere', campaign, '2026-03-09T11:00:00Z', 'scheduled'],
    ['finished once the date has passed everywhere', campaign, '2026-03-09T12:00:00Z', 'finished'],
  ])('%s', (_case, given, at, stage) => {
    expect(campaignStage(given, new Date(at))).toBe(stage);
  });
});
