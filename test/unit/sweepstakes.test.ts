import { newConversation, newSubscription, type Conversation } from '../../functions/domain/audience';
import { validateCatalog, type Catalog, type CatalogProblem } from '../../functions/domain/catalog';
import { converse, type Outcome } from '../../functions/domain/conversation';
import { drawSweepstakes } from '../../functions/domain/draw-sweepstakes';
import type { DomainEvent } from '../../functions/domain/events';
import type { SweepstakesRecords } from '../../functions/domain/ports';
import { guardMessage } from '../../functions/domain/marketing-guard';
import { mayReceive } from '../../functions/domain/send-message';
import {
  drawRefusal,
  drawWinners,
  sweepstakesStage,
  takeEntry,
  type Sweepstakes,
  type SweepstakesDraw,
  type SweepstakesEntry,
} from '../../functions/domain/sweepstakes';
import { applyOutcome } from '../support/conversation-fixtures';
import { AFTER, BEFORE, demoItems, DURING, LATE_THAT_DAY, NEXT_DAY, summerGrill } from '../support/sweepstakes-fixtures';

const PHONE = '+15551234567';

function catalogWith(...items: Record<string, unknown>[]): Catalog {
  const { catalog, problems } = validateCatalog([...demoItems, ...items]);
  expect(problems).toEqual([]);
  return catalog;
}

const sweepstakesOf = (catalog: Catalog): Sweepstakes => catalog.programs[0]!.sweepstakes[0]!;

describe('the draw', () => {
  const entrants = ['+15550000005', '+15550000003', '+15550000001', '+15550000004', '+15550000002', '+15550000003', '+15550000006'];

  test('is the documented algorithm: the same winners as an independent implementation of it (Python, hashlib)', () => {
    // Prepare: the expected winners were computed outside this code base from the README's steps
    // Act
    const audited = drawWinners(entrants, 'audit-2025', 3);
    const other = drawWinners(entrants, 'another-seed', 3);
    // Assess
    expect(audited).toEqual(['+15550000002', '+15550000005', '+15550000004']);
    expect(other).toEqual(['+15550000004', '+15550000005', '+15550000001']);
  });

  test('is deterministic by seed, whatever order the entries come in, and another seed draws otherwise', () => {
    // Act
    const first = drawWinners(entrants, 'seed-1', 2);
    const shuffled = drawWinners([...entrants].reverse(), 'seed-1', 2);
    const others = Array.from({ length: 20 }, (_, i) => drawWinners(entrants, `seed-${i + 2}`, 2).join());
    // Assess
    expect(shuffled).toEqual(first);
    expect(others.some((winners) => winners !== first.join())).toBe(true);
  });

  test.each([1, 3, 6])('%i winner(s) are distinct entrants', (count) => {
    // Act
    const winners = drawWinners(entrants, 'distinct', count);
    // Assess
    expect(winners).toHaveLength(count);
    expect(new Set(winners).size).toBe(count);
    for (const winner of winners) expect(entrants).toContain(winner);
  });

  test('draws everyone when fewer entered than there are prizes', () => {
    expect(drawWinners(['+15550000002', '+15550000001', '+15550000002'], 'few', 5).sort()).toEqual(['+15550000001', '+15550000002']);
  });

  test('is uniform among distinct entrants: ten entries give no better chance than one', () => {
    // Prepare: five entrants, one of whom entered ten times; 5,000 seeds
    const entries = ['+15550000001', '+15550000002', '+15550000003', '+15550000004', ...Array.from({ length: 10 }, () => '+15550000005')];
    const wins = new Map<string, number>();
    // Act
    for (let seed = 0; seed < 5000; seed += 1) {
      const [winner] = drawWinners(entries, `uniform-${seed}`, 1);
      wins.set(winner!, (wins.get(winner!) ?? 0) + 1);
    }
    // Assess: each about 1,000 (the fixed seeds make this exact, not flaky; a 10x weight would show ~3,570)
    expect([...wins.keys()].sort()).toEqual(['+15550000001', '+15550000002', '+15550000003', '+15550000004', '+15550000005']);
    for (const count of wins.values()) expect(Math.abs(count - 1000)).toBeLessThan(100);
  });

  test('is refused while entries are still taken, before the sweepstakes opens, and without entries', () => {
    // Prepare
    const sweepstakes = sweepstakesOf(catalogWith(summerGrill()));
    // Act / Assess
    expect(drawRefusal(sweepstakes, new Date(DURING), 3)).toMatch(/summer-grill is still open: entries are taken until the end of 2025-07-31 \(America\/Chicago\)/);
    expect(drawRefusal(sweepstakes, new Date(BEFORE), 0)).toMatch(/not open yet/);
    expect(drawRefusal(sweepstakes, new Date(AFTER), 0)).toMatch(/no entries/);
    expect(drawRefusal(sweepstakes, new Date(AFTER), 1)).toBeUndefined();
  });
});

describe('the period and the daily allowance (the sweepstakes zone: America/Chicago)', () => {
  const sweepstakes = sweepstakesOf(catalogWith(summerGrill()));

  test.each([
    ['the day before it starts, 23:59 in Chicago', '2025-07-01T04:59:00Z', 'not-open'],
    ['its first day, 00:00 in Chicago (05:00 UTC)', '2025-07-01T05:00:00Z', 'open'],
    ['its last day, 23:59 in Chicago (already Aug 1 in UTC)', '2025-08-01T04:59:00Z', 'open'],
    ['the day after, 00:00 in Chicago', '2025-08-01T05:00:00Z', 'closed'],
  ])('%s: %s', (_when, at, stage) => {
    expect(sweepstakesStage(sweepstakes, new Date(at))).toBe(stage);
  });

  test.each([
    { allowance: 1, earlier: [], at: DURING, entered: true },
    { allowance: 1, earlier: [DURING], at: LATE_THAT_DAY, entered: false },
    { allowance: 1, earlier: [DURING], at: NEXT_DAY, entered: true },
    { allowance: 2, earlier: [DURING], at: LATE_THAT_DAY, entered: true },
    { allowance: 2, earlier: [DURING, LATE_THAT_DAY], at: LATE_THAT_DAY, entered: false },
  ])('entriesPerDay $allowance, entered at $earlier, again at $at: entered $entered', ({ allowance, earlier, at, entered }) => {
    // Prepare
    const rules = { ...sweepstakes, entriesPerDay: allowance };
    let entrant;
    for (const when of earlier) {
      const taken = takeEntry(rules, entrant, PHONE, when);
      if (!taken.entered) throw new Error('earlier entry refused');
      entrant = { ...taken.entrant, version: taken.entrant.version + 1 };
    }
    // Act
    const taken = takeEntry(rules, entrant, PHONE, at);
    // Assess
    expect(taken.entered).toBe(entered);
  });
});

describe('catalog: a sweepstakes keyword must be its own on the short code', () => {
  const squishee = { pk: 'PROGRAM#squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: '55155', keyword: 'SQUISHEE', aliases: ['SLUSH'], helpContact: 'help@squishee.example', frequency: 'Up to 2 msgs/mo' };
  const SWEEPSTAKES_KEY = 'PROGRAM#krusty-burger / SWEEPSTAKES#summer-grill';

  test.each<[string, Record<string, unknown>[], Partial<CatalogProblem>[], boolean]>([
    ['the program\'s own keyword', [summerGrill({ keyword: 'krusty' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword' }, { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'keyword' }], false],
    ['the program\'s own alias', [summerGrill({ keyword: 'KRUSTYBURGER' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword' }, { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'aliases' }], false],
    ['another program\'s alias on the short code', [squishee, summerGrill({ keyword: 'SLUSH' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword', reason: expect.stringMatching(/SLUSH is also claimed by squishee on 55155/) }, { key: 'PROGRAM#squishee / PROGRAM', field: 'aliases' }], false],
    ['another sweepstakes\' keyword on the short code', [squishee, summerGrill(), summerGrill({ pk: 'PROGRAM#squishee', sk: 'SWEEPSTAKES#slush-win' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword' }, { key: 'PROGRAM#squishee / SWEEPSTAKES#slush-win', field: 'keyword' }], false],
    ['a program\'s keyword on another short code', [{ ...squishee, shortCode: '66166', keyword: 'WIN', aliases: [] }, summerGrill()], [], true],
    ['a reserved word (STOP)', [summerGrill({ keyword: 'stop' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword', reason: expect.stringMatching(/reserved/) }], false],
    ['a reserved word (HELP)', [summerGrill({ keyword: 'HELP' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword', reason: expect.stringMatching(/reserved/) }], false],
    ['a reserved word (YES)', [summerGrill({ keyword: 'YES' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword', reason: expect.stringMatching(/reserved/) }], false],
    ['not letters and digits', [summerGrill({ keyword: 'WIN BIG' })], [{ key: SWEEPSTAKES_KEY, field: 'keyword' }], false],
  ])('%s', (_case, items, expected, answers) => {
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, ...items]);
    // Assess: each claimant reported by key and field; the sweepstakes answers to its word only when unique
    expect(problems).toHaveLength(expected.length);
    for (const problem of expected) expect(problems).toContainEqual(expect.objectContaining(problem));
    const krusty = catalog.programs.find((p) => p.programId === 'krusty-burger')!;
    expect(krusty.sweepstakes.some((s) => s.sweepstakesId === 'summer-grill')).toBe(answers);
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['rules over http', summerGrill({ rulesUrl: 'http://krusty.example/rules' }), 'rulesUrl', /https/],
    ['an end before the start', summerGrill({ endsOn: '2025-06-30' }), 'endsOn', /before startsOn/],
    ['a date that does not exist', summerGrill({ endsOn: '2025-02-30' }), 'endsOn', /calendar date/],
    ['an unknown zone', summerGrill({ timeZone: 'Mars/Olympus' }), 'timeZone', /IANA/],
    ['no prize', summerGrill({ prize: ' ' }), 'prize', /./],
    ['zero entries a day', summerGrill({ entriesPerDay: 0 }), 'entriesPerDay', /./],
    ['a confirmation without "No purchase necessary"', { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#sweepstakes-entered', body: "You're in! Ends {endsOn}. Rules: {rulesUrl}" }, 'body', /No purchase necessary/],
    ['a confirmation without the rules', { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#sweepstakes-entered', body: "You're in! No purchase necessary. Ends {endsOn}." }, 'body', /\{rulesUrl\}/],
  ])('a broken item is reported by key, field and reason: %s', (_case, item, field, reason) => {
    // Act
    const extra = item.sk === 'SWEEPSTAKES#summer-grill' ? [item] : [summerGrill(), item];
    const { problems } = validateCatalog([...demoItems, ...extra]);
    // Assess
    expect(problems).toContainEqual({ key: `${String(item.pk)} / ${String(item.sk)}`, field, reason: expect.stringMatching(reason) });
  });
});

describe('converse: texting the sweepstakes keyword', () => {
  const catalog = catalogWith(summerGrill());
  let sid = 0;
  const text = (conversation: Conversation, body: string, at = DURING): { conversation: Conversation; outcome: Outcome } => {
    sid += 1;
    const outcome = converse({ messageSid: `SM${String(sid).padStart(32, '0')}`, from: PHONE, to: '55155', body, receivedAt: at }, conversation, catalog);
    return { conversation: applyOutcome(conversation, outcome), outcome };
  };
  const CONFIRMATION = "Krusty Burger: you're entered to win a backyard grill! No purchase necessary. Ends Jul 31. Rules: https://krusty.example/rules/summer-grill";
  const JOIN_HINT = 'Want our deals too? Text KRUSTY to 55155 to join Krusty Burger Rewards.';

  test.each(['WIN', 'win', ' Win! ', 'WIN 🎉', '🎉win🎉', 'W I N'])('%j enters a stranger, confirms it, hints once how to join, and subscribes nobody', (body) => {
    // Act
    const first = text(newConversation(PHONE), body);
    const second = text(first.conversation, body, NEXT_DAY);
    // Assess
    expect(first.outcome.kind).toBe('entered');
    expect(first.outcome.replies.map((r) => r.body)).toEqual([`${CONFIRMATION} ${JOIN_HINT}`]);
    expect(first.outcome.replies[0]).toMatchObject({ purpose: 'sweepstakes-reply', programId: 'krusty-burger', requestedAt: DURING });
    expect(first.outcome.entry?.entry).toMatchObject({ phone: PHONE, sweepstakesId: 'summer-grill', localDate: '2025-07-15' });
    expect(first.outcome.events.map((e: DomainEvent) => e.type)).toEqual(['SweepstakesEntered']);
    expect(first.outcome.subscriptions).toEqual([]);
    expect(first.outcome.consentEvents).toEqual([]);
    expect(second.outcome.replies.map((r) => r.body)).toEqual([CONFIRMATION]);
    expect(second.conversation.subscriptions).toEqual([]);
  });

  test('a second entry the same (Chicago) day is refused with "already entered today" and records nothing', () => {
    // Prepare
    const { conversation } = text(newConversation(PHONE), 'WIN');
    // Act
    const { outcome } = text(conversation, 'win', LATE_THAT_DAY);
    // Assess
    expect(outcome.kind).toBe('not-entered');
    expect(outcome.replies.map((r) => r.body)).toEqual(["Krusty Burger: you're already entered today. Try again tomorrow! Ends Jul 31. Rules: https://krusty.example/rules/summer-grill"]);
    expect(outcome.entry).toBeUndefined();
    expect(outcome.events).toEqual([]);
  });

  test.each([
    [BEFORE, 'Krusty Burger: Summer Grill Giveaway opens Jul 1. Text WIN then! Rules: https://krusty.example/rules/summer-grill'],
    [AFTER, 'Krusty Burger: Summer Grill Giveaway is closed (it ended Jul 31). Thanks for your interest!'],
  ])('outside its dates (%s) it says so and records nothing', (at, reply) => {
    const { outcome } = text(newConversation(PHONE), 'WIN', at);
    expect(outcome.replies.map((r) => r.body)).toEqual([reply]);
    expect(outcome.entry).toBeUndefined();
  });

  test('an opted-out number is entered, not re-subscribed, and gets no join line', () => {
    // Prepare
    const opted = { ...newConversation(PHONE), subscriptions: [{ ...newSubscription(PHONE, 'krusty-burger'), optedOutAt: '2025-07-01T12:00:00Z', version: 3 }] };
    // Act
    const { outcome, conversation } = text(opted, 'WIN');
    // Assess
    expect(outcome.replies.map((r) => r.body)).toEqual([CONFIRMATION]);
    expect(outcome.subscriptions).toEqual([]);
    expect(conversation.subscriptions[0]!.status).toBe('opted-out');
  });

  test('its confirmation reaches an opted-out entrant who asked, but not one who opted out after asking', () => {
    // Prepare
    const reply = text(newConversation(PHONE), 'WIN').outcome.replies[0]!;
    const optedOut = (at: string) => ({ ...newConversation(PHONE), subscriptions: [{ ...newSubscription(PHONE, 'krusty-burger'), optedOutAt: at, version: 2 }] });
    // Act / Assess
    expect(mayReceive(reply, optedOut('2025-07-01T12:00:00Z'))).toBe(true);
    expect(mayReceive(reply, optedOut('2025-07-15T17:00:05Z'))).toBe(false);
  });
});

describe('sweepstakes texts at the last moment', () => {
  test.each([
    ['a winner\'s text waits out quiet hours (23:00 in Chicago)', 'sweepstakes-winner', 'defer'],
    ['a reply to an entering text goes at once, as any reply', 'sweepstakes-reply', 'send'],
  ] as const)('%s', (_case, purpose, kind) => {
    // Prepare
    const program = catalogWith(summerGrill()).programs[0]!;
    const message = { to: PHONE, from: '55155', body: 'x', purpose, programId: program.programId, requestedAt: DURING };
    // Act
    const decision = guardMessage(message, undefined, { ...program, timeZoneFallback: 'America/Chicago' }, new Date('2025-08-05T04:00:00Z'));
    // Assess
    expect(decision.kind).toBe(kind);
  });
});

describe('drawSweepstakes', () => {
  class Records implements SweepstakesRecords {
    draw?: SweepstakesDraw;
    constructor(readonly stored: SweepstakesEntry[]) {}
    async entries() { return this.stored; }
    async recordDraw(draw: SweepstakesDraw) {
      if (this.draw) return { recorded: false as const, earlier: this.draw };
      this.draw = draw;
      return { recorded: true as const };
    }
    async markNotified(_p: string, _s: string, at: string) { this.draw = { ...this.draw!, notifiedAt: at }; }
  }
  const entry = (phone: string, enteredAt: string): SweepstakesEntry => ({ programId: 'krusty-burger', sweepstakesId: 'summer-grill', phone, enteredAt, localDate: enteredAt.slice(0, 10), messageSid: `SM-${phone}-${enteredAt}` });

  test('texts each winner once through the outbox, publishes SweepstakesWon, and refuses a second draw', async () => {
    // Prepare
    const catalog = catalogWith(summerGrill({ winners: 2 }));
    const records = new Records([entry('+15550000001', '2025-07-02T17:00:00Z'), entry('+15550000002', '2025-07-03T17:00:00Z'), entry('+15550000001', '2025-07-04T17:00:00Z'), entry('+15550000003', '2025-07-05T17:00:00Z')]);
    const queued: { id: string; message: { to: string; purpose: string; requestedAt?: string; body: string } }[] = [];
    const published: DomainEvent[] = [];
    const deps = {
      catalog: { load: async () => catalog },
      records,
      outbox: { enqueueEach: async (entries: typeof queued) => void queued.push(...entries) },
      events: { publish: async (events: DomainEvent[]) => void published.push(...events) },
      random: { bytes: (n: number) => new Uint8Array(n).fill(7) },
      clock: { now: () => new Date(AFTER) },
    };
    // Act
    const first = await drawSweepstakes({ sweepstakesId: 'summer-grill', seed: 'audit' }, deps);
    const second = await drawSweepstakes({ sweepstakesId: 'summer-grill', seed: 'other' }, deps);
    // Assess
    if (first.kind !== 'drawn') throw new Error(JSON.stringify(first));
    expect(first.draw).toMatchObject({ seed: 'audit', entrants: 3, entries: 4, winners: drawWinners(['+15550000001', '+15550000002', '+15550000003'], 'audit', 2) });
    expect(queued.map((q) => q.message.to)).toEqual(first.draw.winners);
    expect(queued[0]!.message).toMatchObject({ purpose: 'sweepstakes-winner', body: expect.stringMatching(/^Krusty Burger: congratulations, you won a backyard grill/) });
    const winnerOne = queued.find((q) => q.message.to === '+15550000001');
    if (winnerOne) expect(winnerOne.message.requestedAt).toBe('2025-07-04T17:00:00Z');
    expect(published.map((e) => [e.type, e.detail.phone])).toEqual(first.draw.winners.map((phone) => ['SweepstakesWon', phone]));
    expect(second).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/drawn already, at .* with seed audit/), resumed: false });
    expect(queued).toHaveLength(2);
  });
});
