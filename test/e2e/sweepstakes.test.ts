import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { maskPhone } from '../../functions/domain/phone-masking';
import { drawWinners } from '../../functions/domain/sweepstakes';
import { finish } from '../support/cli';
import { GatewayHarness, newPhone } from '../support/gateway-harness';
import { AFTER, DURING, LATE_THAT_DAY, NEXT_DAY, summerGrill } from '../support/sweepstakes-fixtures';

jest.setTimeout(180_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
  await putCatalogItem(summerGrill());
});

afterAll(async () => {
  await harness?.close();
});

async function putCatalogItem(item: Record<string, unknown>): Promise<void> {
  await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: item }));
}

/** The entries stored under a sweepstakes (what a draw reads). */
async function entriesOf(sweepstakesId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await harness.db.send(
    new QueryCommand({
      TableName: harness.gateway.tables.audience,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
      ExpressionAttributeValues: { ':pk': `SWEEPSTAKES#krusty-burger#${sweepstakesId}`, ':entry': 'ENTRY#' },
      ConsistentRead: true,
    }),
  );
  return Items;
}

const bodies = (phone: string) => harness.received(phone).map((m) => m.body);
/** The texts as written: their short links back to the URLs they stand for. */
const readBodies = (phone: string) => Promise.all(bodies(phone).map((body) => harness.unshortened(body)));
const entriesBy = async (phone: string, sweepstakesId = 'summer-grill') => (await entriesOf(sweepstakesId)).filter((entry) => entry.phone === phone);

const CONFIRMATION = "Krusty Burger: you're entered to win a backyard grill! No purchase necessary. Ends Jul 31. Rules: https://krusty.example/rules/summer-grill";
const JOIN_HINT = 'Want our deals too? Text KRUSTY to 55155 to join Krusty Burger Rewards.';

/** The sweepstakes CLI against the harness's gateway, as against a deployed stage (tables, queue and bus by name). */
function sweepstakesCli(args: string[]) {
  return finish('bin/sweepstakes.ts', [...args, '--catalog-table', harness.gateway.tables.catalog, '--audience-table', harness.gateway.tables.audience, '--region', 'us-east-1', '--stage', 'local'], {
    AWS_ENDPOINT_URL_DYNAMODB: harness.gateway.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: harness.gateway.sqsEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: `${harness.gateway.url}/local/eventbridge`,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}

describe('texting the sweepstakes keyword', () => {
  test('enters a stranger once per text (a redelivered webhook enters nobody twice), confirms it with the join line once, and subscribes nobody', async () => {
    // Prepare
    const phone = newPhone();
    await harness.setClock(DURING);

    // Act: WIN, WIN the next day, then the first text delivered again after the queue's deduplication
    // window (an entry judged afresh would count: the next day's entry is on another day)
    const sid = await harness.textAndSettle(phone, 'Win 🎉');
    await harness.setClock(NEXT_DAY);
    await harness.textAndSettle(phone, 'win');
    await harness.lateReplay('inbound', { messageSid: sid, from: phone, to: '55155', body: 'Win 🎉', numMedia: 0, receivedAt: DURING }, phone);
    await harness.settle();

    // Assess
    expect(await readBodies(phone)).toEqual([`${CONFIRMATION} ${JOIN_HINT}`, CONFIRMATION]);
    expect((await entriesBy(phone)).map((entry) => entry.localDate)).toEqual(['2025-07-15', '2025-07-16']);
    expect(await harness.subscription(phone)).toBeUndefined();
    expect(await harness.consentLedger(phone)).toEqual([]);
    const entered = (await harness.publishedEvents(phone)).filter((event) => event.detailType === 'SweepstakesEntered');
    // A redelivery publishes its events again, under the same ids, for consumers to drop.
    expect(new Set(entered.map((event) => event.detail.eventId)).size).toBe(2);
    expect(entered.every((event) => event.detail.sweepstakesId === 'summer-grill')).toBe(true);
  });

  test('a repeat entry the same day (in the sweepstakes zone) is told "already entered today" and records nothing', async () => {
    // Prepare
    const phone = newPhone();
    await harness.setClock(DURING);
    await harness.textAndSettle(phone, 'WIN');

    // Act: 23:30 in Chicago, still the same day there
    await harness.setClock(LATE_THAT_DAY);
    await harness.textAndSettle(phone, 'WIN');

    // Assess
    expect((await readBodies(phone))[1]).toBe("Krusty Burger: you're already entered today. Try again tomorrow! Ends Jul 31. Rules: https://krusty.example/rules/summer-grill");
    expect(await entriesBy(phone)).toHaveLength(1);
  });

  test('a closed sweepstakes says so and takes no entry', async () => {
    // Prepare
    const phone = newPhone();
    await harness.setClock(AFTER);

    // Act
    await harness.textAndSettle(phone, 'WIN');

    // Assess
    expect(bodies(phone)).toEqual(['Krusty Burger: Summer Grill Giveaway is closed (it ended Jul 31). Thanks for your interest!']);
    expect(await entriesBy(phone)).toEqual([]);
  });

  test('an opted-out number is entered and confirmed, but not subscribed again (and gets no join line)', async () => {
    // Prepare
    const phone = newPhone();
    await harness.setClock(DURING);
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'STOP');
    const before = harness.received(phone).length;

    // Act
    await harness.setClock(NEXT_DAY);
    await harness.textAndSettle(phone, 'WIN');

    // Assess
    expect((await readBodies(phone)).slice(before)).toEqual([CONFIRMATION]);
    expect(await harness.subscription(phone)).toMatchObject({ status: 'opted-out' });
    expect(await entriesBy(phone)).toHaveLength(1);
  });
});

describe('the thank-you after a purchase', () => {
  test('invites the customer to enter while the sweepstakes is open, and not once it has closed', async () => {
    // Prepare: a Springfield, IL subscriber
    const phone = newPhone();
    await harness.setClock(DURING);
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, '62701');
    const before = harness.received(phone).length;

    // Act
    for (const [orderId, at] of [[`sweep-open-${process.pid}`, DURING], [`sweep-closed-${process.pid}`, AFTER]] as const) {
      await harness.setClock(at);
      await harness.publish('pos', 'PurchaseCompleted', { phone, orderId, total: 12.5, currency: 'USD' });
      await harness.waitUntil(async () => (await harness.order(orderId)) !== undefined);
      await harness.settle();
    }

    // Assess
    const thanks = bodies(phone).slice(before).filter((body) => body.startsWith('Thanks for visiting'));
    expect(thanks).toEqual([
      'Thanks for visiting Krusty Burger! Order total $12.50. Text WIN to 55155 for a chance to win a backyard grill. No purchase necessary.',
      'Thanks for visiting Krusty Burger! Order total $12.50.',
    ]);
  });
});

describe('npm run sweepstakes', () => {
  test('entries lists the count and masked numbers; draw texts the seeded winner, publishes SweepstakesWon, and a second draw is refused', async () => {
    // Prepare: three entrants of a sweepstakes that ended (by the real clock), one of them twice
    await putCatalogItem(summerGrill({ sk: 'SWEEPSTAKES#spring-fling', name: 'Spring Fling', keyword: 'FLING', prize: 'a year of burgers', rulesUrl: 'https://krusty.example/rules/fling' }));
    const entrants = [newPhone(), newPhone(), newPhone()];
    await harness.setClock(DURING);
    for (const phone of entrants) await harness.textAndSettle(phone, 'FLING');
    await harness.setClock(NEXT_DAY);
    await harness.textAndSettle(entrants[0]!, 'fling');
    const [winner] = drawWinners(entrants, 'e2e-seed', 1);

    // Act: in the afternoon in Chicago, so quiet hours let the winner's text go at once
    await harness.setClock('2025-08-04T19:00:00Z');
    const listed = await sweepstakesCli(['entries', 'spring-fling']);
    const drawn = await sweepstakesCli(['draw', 'spring-fling', '--seed', 'e2e-seed']);
    await harness.waitForMessages(winner!, 2);
    await harness.settle();
    const again = await sweepstakesCli(['draw', 'spring-fling']);

    // Assess
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(/4 entries from 3 entrant\(s\)/);
    for (const phone of entrants) {
      expect(listed.output).toContain(maskPhone(phone));
      expect(listed.output).not.toContain(phone);
    }
    expect(drawn.code).toBe(0);
    expect(drawn.output).toMatch(/drawn with seed e2e-seed/);
    expect(drawn.output).toContain(`1 winner(s) among 3 distinct entrant(s) (4 entries): ${maskPhone(winner!)}`);
    expect((await readBodies(winner!)).at(-1)).toBe("Krusty Burger: congratulations, you won a year of burgers in Spring Fling! We'll contact you at this number to arrange it. Rules: https://krusty.example/rules/fling");
    for (const loser of entrants.filter((phone) => phone !== winner)) expect(bodies(loser).some((body) => body.includes('you won'))).toBe(false);
    const won = (await harness.publishedEvents(winner!)).filter((event) => event.detailType === 'SweepstakesWon');
    expect(won.map((event) => event.detail)).toEqual([expect.objectContaining({ sweepstakesId: 'spring-fling', seed: 'e2e-seed', place: 1 })]);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(/Refused: spring-fling was drawn already, at .* with seed e2e-seed/);
    expect(bodies(winner!).filter((body) => body.includes('you won'))).toHaveLength(1);
  });

  test('draw is refused while the sweepstakes still takes entries', async () => {
    // Prepare: open until 2099 by the real clock, with an entrant
    await putCatalogItem(summerGrill({ sk: 'SWEEPSTAKES#forever', keyword: 'FOREVER', startsOn: '2025-01-01', endsOn: '2099-12-31' }));
    await harness.setClock(DURING);
    await harness.textAndSettle(newPhone(), 'FOREVER');

    // Act
    const refused = await sweepstakesCli(['draw', 'forever']);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Refused: forever is still open: entries are taken until the end of 2099-12-31 \(America\/Chicago\)/);
  });
});
