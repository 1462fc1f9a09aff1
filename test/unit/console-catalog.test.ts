import { catalogView, CATALOG_READ_ONLY_NOTE } from '../../functions/domain/console-catalog';
import { MESSAGE_PRICES } from '../../functions/domain/message-prices';
import { demoItems, springMenu } from '../support/campaign-fixtures';

const AT = new Date('2026-03-09T12:00:00Z');
const PROGRAM = 'PROGRAM#krusty-burger';
const SEGMENT_PRICE = MESSAGE_PRICES.smsSegment + MESSAGE_PRICES.smsCarrierFee;

const viewOf = (extra: Record<string, unknown>[] = [], linkBase?: string) => catalogView([...demoItems, ...extra], { at: AT, ...(linkBase ? { linkBase } : {}) });

describe('the catalog as the console shows it', () => {
  test('says it is read-only and where the catalog is edited', () => {
    // Act
    const view = viewOf();

    // Assess
    expect(view.readOnly).toBe(CATALOG_READ_ONLY_NOTE);
    expect(view.readOnly).toMatch(/DynamoDB.*npm run catalog/);
  });

  test('lists each keyword and alias with where it is advertised, and whether it answers', () => {
    // Prepare: a second program claims the demo's alias on the same short code
    const rival = { pk: 'PROGRAM#sideshow', sk: 'PROGRAM', name: 'Sideshow Deals', shortCode: '55155', keyword: 'SIDESHOW', aliases: ['KRUSTYBURGER'], helpContact: 'help@sideshow.example', frequency: 'Up to 2 msgs/wk' };

    // Act
    const alone = viewOf().programs[0]!;
    const contested = viewOf([rival]).programs.find((p) => p.programId === 'krusty-burger')!;

    // Assess
    expect(alone.keywords).toEqual([
      { word: 'KRUSTY', kind: 'keyword', placement: null, answers: true },
      { word: 'KRUSTYBURGER', kind: 'alias', placement: 'billboard I-55 northbound', answers: true },
    ]);
    expect(contested.keywords[1]).toEqual({ word: 'KRUSTYBURGER', kind: 'alias', placement: 'billboard I-55 northbound', answers: false });
  });

  test.each([
    {
      what: 'the welcome: intro, welcome offer and disclosures, two GSM-7 segments',
      pick: (v: ReturnType<typeof viewOf>) => v.programs[0]!.templates.find((t) => t.name === 'welcome')!.message,
      text: /^Welcome to Krusty Burger Rewards!.*Enjoy 20% off.*Msg&data rates may apply\. Reply HELP for help, STOP to cancel\.$/,
      expected: { encoding: 'GSM-7', segments: 2, mms: false, price: 2 * SEGMENT_PRICE },
    },
    {
      what: 'a lunch offer as its coupon text, a sample code filled in',
      pick: (v: ReturnType<typeof viewOf>) => v.programs[0]!.offers.find((o) => o.offerId === 'lunch')!.message,
      text: /\$2 off any Krusty Combo at lunch today\..*KB-7K2Q9X/,
      expected: { encoding: 'GSM-7', segments: 1, mms: false, price: SEGMENT_PRICE },
    },
    {
      what: 'a profile question as asked, choices numbered',
      pick: (v: ReturnType<typeof viewOf>) => v.programs[0]!.questions.find((q) => q.field === 'meal')!.message,
      text: /Reply 1 \w+/,
      expected: { encoding: 'GSM-7', mms: false },
    },
    {
      what: 'an MMS campaign variant: one message whatever its length',
      pick: (v: ReturnType<typeof viewOf>) => v.programs[0]!.campaigns[0]!.variants.find((variant) => variant.id === 'b')!.message,
      text: /^Krusty Burger: try the new Krabby Melt\. Code KB-7K2Q9X\. Reply STOP to opt out\.$/,
      expected: { mms: true, mediaUrl: 'https://cdn.example/melt.jpg', price: MESSAGE_PRICES.mms + MESSAGE_PRICES.mmsCarrierFee },
    },
  ])('renders $what', ({ pick, text, expected }) => {
    // Act
    const message = pick(viewOf([springMenu()]));

    // Assess
    expect(message.text).toMatch(text);
    expect(message).toMatchObject(expected);
  });

  test('shows URLs as the short links they go out as, on the stage link base', () => {
    // Prepare
    const campaign = springMenu({ variants: [{ id: 'a', copy: 'Krusty Burger: see https://krustyburger.example/spring-menu/2026?from=sms for the menu.' }] });

    // Act
    const variant = viewOf([campaign], 'https://k.example/l').programs[0]!.campaigns[0]!.variants[0]!;

    // Assess
    expect(variant.message.text).toBe('Krusty Burger: see https://k.example/l/xxxxxxxx for the menu. Reply STOP to opt out.');
  });

  test('an emoji makes copy UCS-2, and its cost shows on the item and in the warnings', () => {
    // Prepare
    const lunch = { pk: PROGRAM, sk: 'OFFER#lunch-emoji', kind: 'lunch', copy: '🍔 $2 off any combo at lunch today.', validDays: 1 };

    // Act
    const view = viewOf([lunch]);

    // Assess
    const offer = view.programs[0]!.offers.find((o) => o.offerId === 'lunch-emoji')!;
    expect(offer.message).toMatchObject({ encoding: 'UCS-2', segments: 2, price: 2 * SEGMENT_PRICE });
    expect(view.warnings).toContainEqual(expect.objectContaining({ key: `${PROGRAM} / OFFER#lunch-emoji`, field: 'copy', reason: expect.stringMatching(/^renders to 2 segments \(\d+ UCS-2/) }));
  });

  test.each([
    { item: { pk: PROGRAM, sk: 'OFFER#soda', kind: 'soda', copy: 'A free soda.' }, field: 'kind', reason: /Invalid option/ },
    { item: { pk: PROGRAM, sk: 'TEMPLATE#fallback', body: 'Hi {firstName}!' }, field: 'body', reason: /unknown placeholder \{firstName\}/ },
    { item: springMenu({ sk: 'CAMPAIGN#fall', offer: 'OFFER#nope' }), field: 'offer', reason: /no valid offer OFFER#nope/ },
    { item: { pk: 'PROGRAM#ghost', sk: 'OFFER#x', kind: 'lunch', copy: 'Boo.' }, field: 'pk', reason: /no valid program item PROGRAM#ghost/ },
  ])('reports a broken item by key, field and reason ($field) and leaves it out', ({ item, field, reason }) => {
    // Act
    const view = viewOf([item]);

    // Assess
    expect(view.problems).toContainEqual({ key: `${String(item.pk)} / ${String(item.sk)}`, field, reason: expect.stringMatching(reason) });
    const keys = view.programs.flatMap((p) => [...p.offers, ...p.templates, ...p.campaigns].map((entry) => entry.key));
    if (field !== 'body') expect(keys).not.toContain(`${String(item.pk)} / ${String(item.sk)}`);
  });

  test('tells templates the marketer wrote from the defaults, and shows sweepstakes copy with their own values', () => {
    // Prepare
    const sweepstakes = { pk: PROGRAM, sk: 'SWEEPSTAKES#summer-grill', name: 'Summer Grill', keyword: 'GRILL', startsOn: '2026-03-01', endsOn: '2026-03-31', prize: 'a grill', rulesUrl: 'https://krustyburger.example/rules', entriesPerDay: 1 };

    // Act
    const program = viewOf([sweepstakes]).programs[0]!;

    // Assess
    expect(program.templates.find((t) => t.name === 'welcome')!.custom).toBe(true);
    expect(program.templates.find((t) => t.name === 'fallback')!.custom).toBe(false);
    expect(program.sweepstakes).toEqual([
      expect.objectContaining({ sweepstakesId: 'summer-grill', keyword: 'GRILL', stage: 'open', messages: expect.objectContaining({ entered: expect.objectContaining({ text: expect.stringMatching(/No purchase necessary.*Mar 31/) }) }) }),
    ]);
  });
});
