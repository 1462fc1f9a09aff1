import { randomBytes } from 'node:crypto';
import type { OutboundMessage, Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import type { CampaignWaves } from '../../functions/domain/ports';
import { campaignPagesDue, dispatchCampaigns, sendCampaignPage, type CampaignDeps, type CampaignPage } from '../../functions/domain/send-campaigns';
import { demoItems, springMenu } from '../support/campaign-fixtures';
import { Fault, InMemoryCoupons, InMemoryOutbox, RecordingEvents, subscriber } from '../support/in-memory-issuing';

/**
 * Sending a campaign against in-memory stand-ins that keep the adapters' promises (a coupon marker
 * per subscriber and period, one queued message per deduplication id), told to fail at chosen points
 * to play a crash; a page is then retried as SQS would.
 */

const catalogWith = (...campaigns: Record<string, unknown>[]): Catalog => {
  const { catalog, problems } = validateCatalog([...demoItems, ...campaigns]);
  expect(problems).toEqual([]);
  return catalog;
};

/** Tuesday 2026-03-10, 11:30 in Chicago (the spring-menu campaign goes at 11:00 local). */
const AT = new Date('2026-03-10T16:30:00Z');
const PAGE: CampaignPage = { programId: 'krusty-burger', campaignId: 'spring-menu', zone: 'America/Chicago', shard: 2, sendOn: '2026-03-10' };

const inChicago = (index: number, overrides: Partial<Subscription> = {}) =>
  subscriber(index, { profile: { timeZone: 'America/Chicago', zip: '60601', state: 'IL' }, ...overrides });

function world(audience: Subscription[], options: { catalog?: Catalog; at?: Date; pageSize?: number } = {}) {
  const coupons = new InMemoryCoupons();
  const outbox = new InMemoryOutbox();
  const events = new RecordingEvents();
  const handedOn: CampaignPage[] = [];
  let catalog = options.catalog ?? catalogWith(springMenu());
  const deps: CampaignDeps = {
    catalog: { load: async () => catalog },
    audience: {
      async subscribersInZone(_chain, limit, after) {
        const start = after ? Number(after) : 0;
        const next = start + limit < audience.length ? String(start + limit) : undefined;
        return { subscriptions: audience.slice(start, start + limit), ...(next ? { next } : {}) };
      },
    },
    coupons,
    random: { bytes: (count) => new Uint8Array(randomBytes(count)) },
    outbox,
    events,
    pages: { send: async (pages) => void handedOn.push(...pages) },
    clock: { now: () => options.at ?? AT },
    pageSize: options.pageSize ?? 100,
    concurrency: 4,
  };
  return { deps, coupons, outbox, events, handedOn, edit: (next: Catalog) => void (catalog = next) };
}

const textsTo = (outbox: InMemoryOutbox) => [...outbox.queued.values()].map((message) => message.to).sort();
const codeIn = (message: OutboundMessage) => /Code (KB-\w{6})/.exec(message.body)?.[1];

describe('campaignPagesDue: a zone is due once its local time reaches the campaign\'s, until its day ends', () => {
  const zonesAt = (iso: string, ...campaigns: Record<string, unknown>[]) =>
    campaignPagesDue(catalogWith(...(campaigns.length ? campaigns : [springMenu()])), new Date(iso)).map((page) => page.zone);

  test.each([
    ['10:59 in New York: nowhere yet', '2026-03-10T14:59:00Z', [], ['America/New_York', 'unknown']],
    ['11:00 in New York: New York and the ZIP-less (fallback New York)', '2026-03-10T15:00:00Z', ['America/New_York', 'unknown'], ['America/Chicago']],
    ['11:30 in Chicago: Chicago too, not Denver', '2026-03-10T16:30:00Z', ['America/New_York', 'America/Chicago'], ['America/Denver', 'America/Los_Angeles']],
    ['11:00 in Los Angeles: every mainland zone', '2026-03-10T18:00:00Z', ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'], ['Pacific/Honolulu']],
    ['past midnight in New York: its day is over, Los Angeles still on it', '2026-03-11T05:30:00Z', ['America/Los_Angeles'], ['America/New_York', 'unknown']],
  ])('%s', (_case, iso, due, notDue) => {
    // Act
    const zones = zonesAt(iso);

    // Assess
    expect(zones).toEqual(expect.arrayContaining(due));
    for (const zone of notDue) expect(zones).not.toContain(zone);
  });

  test('a draft, a finished campaign and a segment limited to other time zones are due nowhere', () => {
    // Act
    const draft = zonesAt('2026-03-10T18:00:00Z', springMenu({ status: 'draft' }));
    const finished = zonesAt('2026-03-12T18:00:00Z');
    const westOnly = zonesAt('2026-03-10T18:00:00Z', springMenu({ segment: { timeZones: ['America/Los_Angeles'] } }));

    // Assess
    expect(draft).toEqual([]);
    expect(finished).toEqual([]);
    expect(westOnly).toEqual(['America/Los_Angeles']);
  });
});

describe('dispatchCampaigns: each zone\'s wave handed out once, one chain per shard', () => {
  test('a second tick (or a re-dated campaign) never walks a zone again', async () => {
    // Prepare
    const started = new Set<string>();
    const waves: CampaignWaves = {
      unstarted: async (pages) => pages.filter((page) => !started.has(`${page.campaignId}|${page.zone}`)),
      markStarted: async (pages) => void pages.forEach((page) => started.add(`${page.campaignId}|${page.zone}`)),
    };
    const queued: CampaignPage[] = [];
    let catalog = catalogWith(springMenu());
    const deps = { catalog: { load: async () => catalog }, pages: { send: async (pages: CampaignPage[]) => void queued.push(...pages) }, waves, shards: 2 };

    // Act
    await dispatchCampaigns({ ...deps, clock: { now: () => new Date('2026-03-10T16:30:00Z') } });
    const first = queued.length;
    await dispatchCampaigns({ ...deps, clock: { now: () => new Date('2026-03-10T16:45:00Z') } });
    catalog = catalogWith(springMenu({ sendOn: '2026-03-11' }));
    await dispatchCampaigns({ ...deps, clock: { now: () => new Date('2026-03-11T16:30:00Z') } });

    // Assess: the Eastern and Central zones and the ZIP-less, each as the unsharded chain and 2 shards
    const zones = new Set(queued.map((page) => page.zone));
    expect(zones).toEqual(expect.objectContaining({ size: first / 3 }));
    for (const zone of ['America/New_York', 'America/Chicago', 'unknown']) expect(zones.has(zone)).toBe(true);
    expect(zones.has('America/Denver')).toBe(false);
    expect(queued).toHaveLength(first);
    expect(queued.filter((page) => page.zone === 'America/Chicago').map((page) => page.shard)).toEqual([undefined, 0, 1]);
  });
});

describe('sendCampaignPage: each recipient in the segment gets their variant once', () => {
  test('live subscribers in the segment get their variant with their own coupon; others, the capped and the opted out get nothing', async () => {
    // Prepare
    const inSegment = Array.from({ length: 12 }, (_, i) => inChicago(i));
    const wisconsin = inChicago(20, { profile: { timeZone: 'America/Chicago', zip: '53202', state: 'WI' } });
    const texas = inChicago(21, { profile: { timeZone: 'America/Chicago', zip: '75201', state: 'TX' } });
    const noZip = inChicago(22, { profile: { timeZone: 'America/Chicago' } });
    const optedOut = inChicago(23, { status: 'opted-out' });
    const capped = inChicago(24, { marketingSentAt: ['2026-03-10T14:00:00.000Z'] });
    const { deps, outbox, coupons, events } = world([...inSegment, wisconsin, texas, noZip, optedOut, capped]);

    // Act
    const result = await sendCampaignPage(PAGE, deps);

    // Assess
    expect(result).toEqual({ queued: 13, missed: 0, capped: 1, skipped: 3, handedOn: false });
    expect(textsTo(outbox)).toEqual([...inSegment, wisconsin].map((s) => s.phone).sort());
    const variants = new Set<string>();
    for (const [id, message] of outbox.queued) {
      expect(id).toBe(`campaign-krusty-burger-spring-menu-${message.to}`);
      expect(coupons.codesOf(message.to)).toEqual([codeIn(message)]);
      // Allowed hours in Illinois and Wisconsin end at 21:00 local: 02:00 UTC the next day.
      expect(message).toMatchObject({ purpose: 'marketing', from: '55155', programId: 'krusty-burger', notAfter: '2026-03-11T02:00:00.000Z' });
      expect(message.body).toMatch(/Reply STOP to (opt out|cancel|unsubscribe)|STOP/);
      variants.add(message.mediaUrl ? 'b (MMS)' : 'a');
      if (message.mediaUrl) expect(message.mediaUrl).toEqual(['https://cdn.example/melt.jpg']);
    }
    expect(variants).toEqual(new Set(['a', 'b (MMS)']));
    const sent = [...events.ids].filter((id) => id.startsWith('campaign:'));
    expect(sent.sort()).toEqual([...inSegment, wisconsin].map((s) => `campaign:krusty-burger:spring-menu:${s.phone}`).sort());
  });

  test('after the allowed hours end a recipient is counted missed and nothing is queued', async () => {
    // Prepare: 21:15 in Chicago
    const { deps, outbox, coupons } = world([inChicago(1), inChicago(2)], { at: new Date('2026-03-11T03:15:00Z') });

    // Act
    const result = await sendCampaignPage(PAGE, deps);

    // Assess
    expect(result).toMatchObject({ queued: 0, missed: 2 });
    expect(outbox.queued.size).toBe(0);
    expect(coupons.coupons.size).toBe(0);
  });

  test('a campaign without an offer queues its copy under one id per recipient, with the opt-out hint', async () => {
    // Prepare
    const plain = springMenu({ offer: undefined, variants: [{ id: 'only', copy: 'Krusty Burger: the spring menu is here.' }] });
    const { deps, outbox, coupons } = world([inChicago(1), inChicago(2)], { catalog: catalogWith(plain) });

    // Act
    await sendCampaignPage(PAGE, deps);
    await sendCampaignPage(PAGE, deps);

    // Assess
    expect(outbox.queued.size).toBe(2);
    expect(coupons.coupons.size).toBe(0);
    for (const message of outbox.queued.values()) expect(message.body).toMatch(/^Krusty Burger: the spring menu is here\. .*STOP/);
  });

  test('an offer of kind campaign is sent only by its campaign: each recipient gets a coupon of it, the lunch fan-out never offers it', async () => {
    // Prepare
    const spring = { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#spring-melt', kind: 'campaign', copy: 'A Krabby Melt for $3.', validDays: 7 };
    const catalog = catalogWith(spring, springMenu({ offer: 'OFFER#spring-melt' }));
    const { deps, outbox, coupons } = world([inChicago(1), inChicago(2)], { catalog });

    // Act
    await sendCampaignPage(PAGE, deps);

    // Assess
    expect([...coupons.coupons.values()].map((coupon) => coupon.offerId)).toEqual(['spring-melt', 'spring-melt']);
    for (const message of outbox.queued.values()) expect(message.body).toMatch(/A Krabby Melt for \$3\.|Krabby Melt\. Code KB-/);
    expect(catalog.programs[0]!.offers.filter((offer) => offer.kind === 'lunch').map((offer) => offer.offerId)).toEqual(['lunch']);
  });

  const crashes: [string, (w: ReturnType<typeof world>) => void][] = [
    ['the 5th coupon write fails before it is made', (w) => void (w.coupons.fault = new Fault(5, 'before'))],
    ['the 5th coupon write is made but its answer is lost', (w) => void (w.coupons.fault = new Fault(5, 'after'))],
    ['the 2nd batch of texts is queued but the answer is lost', (w) => void (w.outbox.fault = new Fault(2, 'after'))],
    ['the events of the 1st batch cannot be published', (w) => void (w.events.fault = new Fault(1, 'before'))],
  ];

  test.each(crashes)('%s: the retried page issues no coupon twice and loses no text', async (_case, crash) => {
    // Prepare
    const audience = Array.from({ length: 25 }, (_, i) => inChicago(i));
    const w = world(audience);
    crash(w);
    await expect(sendCampaignPage(PAGE, w.deps)).rejects.toThrow();

    // Act
    await sendCampaignPage(PAGE, w.deps);

    // Assess
    expect(textsTo(w.outbox)).toEqual(audience.map((s) => s.phone).sort());
    for (const message of w.outbox.queued.values()) expect(w.coupons.codesOf(message.to)).toEqual([codeIn(message)]);
  });

  test('edited after sending started (new copy, new weights): a retried page sends nobody a second text or coupon', async () => {
    // Prepare
    const audience = Array.from({ length: 10 }, (_, i) => inChicago(i));
    const w = world(audience);
    await sendCampaignPage(PAGE, w.deps);
    const before = new Map(w.outbox.queued);
    w.edit(catalogWith(springMenu({ variants: [{ id: 'a', copy: 'Krusty Burger: NEW copy. Code {code}.' }, { id: 'c', copy: 'Krusty Burger: third. Code {code}.', weight: 9 }] })));

    // Act
    await sendCampaignPage(PAGE, w.deps);

    // Assess
    expect(w.outbox.queued).toEqual(before);
    for (const { phone } of audience) expect(w.coupons.codesOf(phone)).toHaveLength(1);
  });

  test.each([
    ['turned back into a draft', springMenu({ status: 'draft' }), 'draft'],
    ['moved to another date', springMenu({ sendOn: '2026-03-12' }), 'moved to 2026-03-12'],
    ['deleted', undefined, 'no such campaign in the catalog'],
  ])('a campaign %s stops where it is: the page sends nothing and hands nothing on', async (_case, item, stopped) => {
    // Prepare
    const { deps, outbox, handedOn } = world([inChicago(1), inChicago(2)], { catalog: item ? catalogWith(item) : catalogWith(), pageSize: 1 });

    // Act
    const result = await sendCampaignPage(PAGE, deps);

    // Assess
    expect(result.stopped).toBe(stopped);
    expect(outbox.queued.size).toBe(0);
    expect(handedOn).toEqual([]);
  });
});
