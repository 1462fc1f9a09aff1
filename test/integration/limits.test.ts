import type { Message } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCatalogSource } from '../../functions/adapters/dynamo-catalog';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoOptInCeiling } from '../../functions/adapters/dynamo-limits';
import { referralCounts } from '../../functions/domain/audience';
import type { InboundText } from '../../functions/domain/conversation';
import { handleInbound, type HandleInboundDeps } from '../../functions/domain/handle-inbound';
import { ConflictError } from '../../functions/domain/ports';
import { rewardReferral, type RewardDeps } from '../../functions/domain/reward-referral';
import { outboundQueueMessage } from '../../functions/schemas/queue-messages';
import { logger } from '../../functions/shared/logger';
import { readCatalogFile, writeCatalogItems, DEMO_CATALOG_FILE } from '../../lib/catalog-admin';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { inboundDeps } from '../support/inbound-deps';
import { codeShownTo } from '../support/referral-codes';
import { RecordingPublisher } from '../support/recording-publisher';
import { audienceItems, drainQueue, freshPhone, startLocalDynamo, startLocalSqs, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

jest.setTimeout(60_000);

const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
/** The demo program's monthly referral cap. */
const CAP = 3;

let db: LocalDynamo;
let sqs: SqsLocal;
let deps: HandleInboundDeps;
const publisher = new RecordingPublisher();
const received: Message[] = [];

beforeAll(async () => {
  [db, sqs] = await Promise.all([startLocalDynamo(uniqueStage('it-limits')), startLocalSqs()]);
  await writeCatalogItems(db.doc, db.tables.catalog, readCatalogFile(DEMO_CATALOG_FILE));
  deps = inboundDeps(db, sqs, publisher, () => new Date('2026-11-24T17:00:00Z'));
});

afterAll(async () => {
  await Promise.all([db?.stop(), sqs?.stop()]);
});

let sidCounter = 0;
function inbound(phone: string, body: string, receivedAt = '2026-11-24T17:00:00.000Z', to = SHORT_CODE): InboundText {
  sidCounter += 1;
  return { messageSid: `SMlimits${process.pid}x${sidCounter}`, from: phone, to, body, receivedAt };
}

/** What is on the outbound queue for one number (taken off the queue once, kept for later calls). */
async function outboundFor(phone: string): Promise<string[]> {
  received.push(...(await drainQueue(sqs.client, sqs.queues.outbound.url)));
  return alreadyReceived(phone);
}

function alreadyReceived(phone: string): string[] {
  return received
    .filter((message) => message.Attributes?.MessageGroupId === phone)
    .map((message) => outboundQueueMessage.parse(JSON.parse(message.Body!)).body);
}

/** A short code of its own per test, so the tests' counters never meet. */
let codeCounter = 0;
const freshShortCode = () => `7${String(process.pid % 1000).padStart(3, '0')}${(codeCounter += 1)}`.slice(0, 6);

/** The short code's counter item for one UTC day: the day's count, and the current minute's. */
async function counter(shortCode: string, day: string): Promise<{ count?: number; minute?: string; minuteCount?: number }> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: { pk: `OPTINS#${shortCode}#${day}`, sk: 'OPTINS' }, ConsistentRead: true }));
  return { count: Item?.count as number | undefined, minute: Item?.minute as string | undefined, minuteCount: Item?.minuteCount as number | undefined };
}

describe('the opt-in ceiling counter', () => {
  test('30 concurrent reservations against a limit of 5 a minute: exactly 5 succeed', async () => {
    // Prepare
    const ceiling = new DynamoOptInCeiling(db.doc, db.tables.audience, { perMinute: 5, perDay: 1000 });
    const shortCode = freshShortCode();

    // Act
    const results = await Promise.all(Array.from({ length: 30 }, () => ceiling.reserve(shortCode, '2026-11-24T17:00:30.000Z')));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await counter(shortCode, '2026-11-24')).toEqual({ count: 5, minute: '2026-11-24T17:00', minuteCount: 5 });
  });

  test('the next minute has room again, until the day is full', async () => {
    // Prepare
    const ceiling = new DynamoOptInCeiling(db.doc, db.tables.audience, { perMinute: 5, perDay: 7 });
    const shortCode = freshShortCode();
    await Promise.all(Array.from({ length: 5 }, () => ceiling.reserve(shortCode, '2026-11-24T17:00:00.000Z')));

    // Act
    const nextMinute = await Promise.all(Array.from({ length: 5 }, () => ceiling.reserve(shortCode, '2026-11-24T17:01:00.000Z')));
    const nextDay = await ceiling.reserve(shortCode, '2026-11-25T00:00:00.000Z');

    // Assess
    expect(nextMinute.filter(Boolean)).toHaveLength(2);
    expect(await counter(shortCode, '2026-11-24')).toEqual({ count: 7, minute: '2026-11-24T17:01', minuteCount: 2 });
    expect(nextDay).toBe(true);
  });

  test('two invocations, each in its own minute, interleaved: every minute and the day hold exactly', async () => {
    // Prepare: separate instances, as separate Lambda containers (neither knows the other's minute).
    const limits = { perMinute: 3, perDay: 100 };
    const containers = [new DynamoOptInCeiling(db.doc, db.tables.audience, limits), new DynamoOptInCeiling(db.doc, db.tables.audience, limits)];
    const shortCode = freshShortCode();
    const minutes = ['2026-11-24T17:00:10.000Z', '2026-11-24T17:01:10.000Z', '2026-11-24T17:02:10.000Z'];

    // Act: per minute, 8 attempts spread over both containers at once.
    const taken: number[] = [];
    for (const at of minutes) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => containers[i % 2]!.reserve(shortCode, at)));
      taken.push(results.filter(Boolean).length);
    }
    // A text of a minute that has passed counts in the item's current minute, which is full.
    const late = await containers[0]!.reserve(shortCode, minutes[0]!);

    // Assess
    expect(taken).toEqual([3, 3, 3]);
    expect(late).toBe(false);
    expect(await counter(shortCode, '2026-11-24')).toEqual({ count: 9, minute: '2026-11-24T17:02', minuteCount: 3 });
  });
});

describe('the opt-in ceiling in the conversation', () => {
  test('12 new numbers texting KRUSTY at once with a ceiling of 5 a minute: 5 join and are welcomed, 7 get nothing', async () => {
    // Prepare
    const shortCode = freshShortCode();
    const catalogItems = readCatalogFile(DEMO_CATALOG_FILE).map((item) => (item.sk === 'PROGRAM' ? { ...item, shortCode } : item));
    const stage = uniqueStage('it-limits-cat');
    const { ensureTables, localTableName } = await import('../../lib/local/tables');
    await ensureTables(db.client, stage);
    await writeCatalogItems(db.doc, localTableName('catalog', stage), catalogItems);
    const limited = {
      ...deps,
      catalog: new DynamoCatalogSource(db.doc, localTableName('catalog', stage), 0),
      optInCeiling: new DynamoOptInCeiling(db.doc, db.tables.audience, { perMinute: 5, perDay: 1000 }),
    };
    const phones = Array.from({ length: 12 }, () => freshPhone());

    // Act
    const handled = await Promise.all(phones.map((phone) => handleInbound(inbound(phone, 'KRUSTY', '2026-11-24T17:00:00.000Z', shortCode), limited)));

    // Assess
    const kinds = handled.map((result) => (result.duplicate ? 'duplicate' : `${result.outcome.kind}/${result.outcome.limitedBy ?? ''}`));
    expect(kinds.filter((kind) => kind === 'opted-in/')).toHaveLength(5);
    expect(kinds.filter((kind) => kind === 'ignored/opt-in-ceiling')).toHaveLength(7);
    received.push(...(await drainQueue(sqs.client, sqs.queues.outbound.url)));
    for (const phone of phones) {
      const subscribed = (await audienceItems(db, phone, 'STATE#PROGRAM#')).length > 0;
      const replies = alreadyReceived(phone);
      const [logged] = await audienceItems(db, phone, 'MSG#SM');
      expect({ subscribed, replies: replies.length }).toEqual(subscribed ? { subscribed, replies: 2 } : { subscribed, replies: 0 });
      expect(logged).toMatchObject(subscribed ? { outcome: 'opted-in' } : { outcome: 'ignored', limitedBy: 'opt-in-ceiling' });
    }
  });

  test('only texts that open a subscription are counted: HELP, chatter and a subscriber\'s KRUSTY are not', async () => {
    // Prepare
    const subscriber = freshPhone();
    await handleInbound(inbound(subscriber, 'KRUSTY', '2026-11-24T17:02:00.000Z'), deps);
    const before = await counter(SHORT_CODE, '2026-11-24');

    // Act
    await handleInbound(inbound(freshPhone(), 'HELP', '2026-11-24T17:02:00.000Z'), deps);
    await handleInbound(inbound(freshPhone(), 'hello', '2026-11-24T17:02:00.000Z'), deps);
    await handleInbound(inbound(subscriber, 'KRUSTY', '2026-11-24T17:02:00.000Z'), deps);
    await handleInbound(inbound(freshPhone(), 'STOP', '2026-11-24T17:02:00.000Z'), deps);

    // Assess
    expect(before).toEqual({ count: 1, minute: '2026-11-24T17:02', minuteCount: 1 });
    expect(await counter(SHORT_CODE, '2026-11-24')).toEqual(before);
  });
});

/** A subscribed referrer and their code. */
async function referrer(): Promise<{ phone: string; code: string }> {
  const phone = freshPhone();
  await handleInbound(inbound(phone, 'KRUSTY'), deps);
  return { phone, code: await codeShownTo(db.doc, db.tables.audience, phone) };
}

/** The error a call fails with; a call that succeeds fails the test. */
async function thrown(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const rewardDeps = (now = '2026-11-24T17:00:00Z'): RewardDeps => ({ ...deps, clock: { now: () => new Date(now) } });
const rewardMarkers = async (phone: string) => audienceItems(db, phone, `OFFER#${PROGRAM_ID}#referral-reward#`);

describe('referral rewards under concurrency', () => {
  test('ten friends joining at once with one code earn the referrer exactly the monthly cap of rewards', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const friends = Array.from({ length: 10 }, () => freshPhone());
    const catalog = await deps.catalog.load();

    // Act
    const decisions = await Promise.all(
      friends.map((friendPhone) => rewardReferral({ referrerPhone: phone, friendPhone, programId: PROGRAM_ID, code }, catalog, rewardDeps())),
    );

    // Assess
    expect(decisions.filter((d) => d.reward)).toHaveLength(CAP);
    expect(decisions.filter((d) => !d.reward && d.reason === 'cap-reached')).toHaveLength(10 - CAP);
    expect(await rewardMarkers(phone)).toHaveLength(CAP);
    expect((await outboundFor(phone)).filter((body) => body.includes('your friend joined'))).toHaveLength(CAP);
    const [slots] = await audienceItems(db, phone, `REWARDS#${PROGRAM_ID}#2026-11`);
    expect((slots!.friends as Set<string>).size).toBe(CAP);
  });

  test('ten friends texting KRUSTY <code> at once through the use case: exactly the cap of rewards', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const friends = Array.from({ length: 10 }, () => freshPhone());

    // Act
    await Promise.all(friends.map((friend) => handleInbound(inbound(friend, `KRUSTY ${code}`), deps)));

    // Assess
    expect(await rewardMarkers(phone)).toHaveLength(CAP);
    for (const friend of friends) expect((await deps.store.load(friend)).subscriptions).toEqual([expect.objectContaining({ status: 'subscribed' })]);
  });

  test('a retry for a rewarded friend takes no second slot and issues nothing new; the other slots stay free', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const catalog = await deps.catalog.load();
    const friend = freshPhone();
    const referral = { referrerPhone: phone, friendPhone: friend, programId: PROGRAM_ID, code };
    await rewardReferral(referral, catalog, rewardDeps());

    // Act
    const retries = await Promise.all([rewardReferral(referral, catalog, rewardDeps()), rewardReferral(referral, catalog, rewardDeps())]);
    const others = await Promise.all(
      [freshPhone(), freshPhone(), freshPhone()].map((friendPhone) => rewardReferral({ ...referral, friendPhone }, catalog, rewardDeps())),
    );

    // Assess
    expect(retries).toEqual([{ reward: false, reason: 'already-rewarded' }, { reward: false, reason: 'already-rewarded' }]);
    expect(others.filter((d) => d.reward)).toHaveLength(CAP - 1);
    expect(await rewardMarkers(phone)).toHaveLength(CAP);
  });

  test('a friend rewarded last month who joins again this month earns nothing and uses none of this month\'s slots', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const catalog = await deps.catalog.load();
    const friend = freshPhone();
    const referral = { referrerPhone: phone, friendPhone: friend, programId: PROGRAM_ID, code };
    await rewardReferral(referral, catalog, rewardDeps('2026-10-15T17:00:00Z'));

    // Act
    const again = await rewardReferral(referral, catalog, rewardDeps());
    const newFriends = await Promise.all(
      Array.from({ length: CAP + 1 }, () => rewardReferral({ ...referral, friendPhone: freshPhone() }, catalog, rewardDeps())),
    );

    // Assess
    expect(again).toEqual({ reward: false, reason: 'already-rewarded' });
    expect(newFriends.filter((d) => d.reward)).toHaveLength(CAP);
    expect(await rewardMarkers(phone)).toHaveLength(CAP + 1);
  });
});

describe('per-referrer counts on the referrer\'s subscription', () => {
  const countsOf = async (phone: string) => referralCounts((await deps.store.subscription(phone, PROGRAM_ID))!);

  test('ten friends at once, each handled twice: ten joined and the cap rewarded, each friend counted once', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const friends = Array.from({ length: 10 }, () => freshPhone());
    const catalog = await deps.catalog.load();
    const referralOf = (friendPhone: string) => ({ referrerPhone: phone, friendPhone, programId: PROGRAM_ID, code });

    // Act
    await Promise.all(friends.map((friend) => rewardReferral(referralOf(friend), catalog, rewardDeps())));
    await Promise.all(friends.map((friend) => rewardReferral(referralOf(friend), catalog, rewardDeps())));

    // Assess
    expect(await countsOf(phone)).toEqual({ joined: 10, rewarded: CAP });
    const stored = (await deps.store.subscription(phone, PROGRAM_ID))!;
    expect(stored.referredFriends).toEqual([...friends].sort());
    expect(stored.rewardedFriends).toHaveLength(CAP);
    const [item] = await audienceItems(db, phone, `STATE#PROGRAM#${PROGRAM_ID}`);
    expect(item!.referredFriends).toBeInstanceOf(Set);
  });

  test('the counts survive the referrer\'s own texts, which write the whole subscription (STOP, then START)', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const catalog = await deps.catalog.load();
    const [first, second] = [freshPhone(), freshPhone()];
    await rewardReferral({ referrerPhone: phone, friendPhone: first, programId: PROGRAM_ID, code }, catalog, rewardDeps());

    // Act
    await handleInbound(inbound(phone, 'STOP', '2026-11-24T17:01:00.000Z'), deps);
    await handleInbound(inbound(phone, 'START', '2026-11-24T17:02:00.000Z'), deps);
    await rewardReferral({ referrerPhone: phone, friendPhone: second, programId: PROGRAM_ID, code }, catalog, rewardDeps());

    // Assess
    expect(await countsOf(phone)).toEqual({ joined: 2, rewarded: 2 });
    expect((await deps.store.subscription(phone, PROGRAM_ID))!.status).toBe('subscribed');
  });

  test('a self-referral counts nothing', async () => {
    // Prepare
    const { phone, code } = await referrer();
    const catalog = await deps.catalog.load();

    // Act
    await rewardReferral({ referrerPhone: phone, friendPhone: phone, programId: PROGRAM_ID, code }, catalog, rewardDeps());

    // Assess
    expect(await countsOf(phone)).toEqual({ joined: 0, rewarded: 0 });
  });
});

describe('phone numbers in errors', () => {
  let output: string[];
  let restore: () => void;

  beforeEach(() => {
    output = [];
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    const capture = ((chunk: string | Uint8Array) => (output.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    restore = () => {
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
    };
  });

  afterEach(() => restore());

  test("a referral whose reward marker lost its coupon fails without the friend's number in the error or the log line", async () => {
    // Prepare: the friend's offer marker exists but its coupon is gone (deleted by hand, say).
    const { phone, code } = await referrer();
    const friend = freshPhone();
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.audience,
        Item: { pk: `PHONE#${phone}`, sk: `OFFER#${PROGRAM_ID}#referral#${friend}`, type: 'offer-marker', code: 'KB-GONE22', notified: true },
      }),
    );

    // Act
    const failure = await thrown(handleInbound(inbound(friend, `KRUSTY ${code}`), deps));
    logger.error('Could not handle inbound text', { error: failure });

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toContain('has no coupon');
    const line = output.join('');
    expect(line).toContain('has no coupon');
    expect(line).toContain(friend.slice(-4));
    for (const text of [failure.message, failure.stack ?? '', line]) {
      expect(text).not.toContain(friend);
      expect(text).not.toContain(phone);
    }
  });

  test('a conversation changed underneath is a ConflictError without the number', async () => {
    // Prepare: two texts decided on the same stored state; the second commit finds it changed.
    const phone = freshPhone();
    const store = deps.store as DynamoConversationStore;
    const catalog = await deps.catalog.load();
    const { converse } = await import('../../functions/domain/conversation');
    const state = await store.load(phone);
    const first = inbound(phone, 'KRUSTY');
    const second = inbound(phone, 'KRUSTY');
    await store.commit(first, converse(first, state, catalog));

    // Act
    const conflict = await thrown(store.commit(second, converse(second, state, catalog)));
    logger.warn('Commit refused', { error: conflict });

    // Assess
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(`${conflict.message} ${output.join('')}`).not.toContain(phone);
  });

  test('anything logged that echoes a whole number (a DynamoDB key, a carrier message) is masked in the line', () => {
    // Prepare
    const phone = freshPhone();
    const echo = new Error(`The conditional request failed for key PHONE#${phone}; The 'To' number ${phone} is not valid`);

    // Act
    logger.error(`Failed for ${phone}`, { error: echo, detail: { key: `PHONE#${phone}` } });

    // Assess
    const line = output.join('');
    expect(line).toContain('Failed for');
    expect(line).toContain(phone.slice(-4));
    expect(line).not.toContain(phone);
  });
});
