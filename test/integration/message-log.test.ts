import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { audienceKeys, MESSAGE_LOG_DAYS } from '../../functions/adapters/audience-keys';
import { DynamoMessageLog } from '../../functions/adapters/dynamo-message-log';
import type { OutboundMessage } from '../../functions/domain/audience';
import { audienceItems, freshPhone, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

jest.setTimeout(60_000);

let db: LocalDynamo;
let log: DynamoMessageLog;

beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-msglog'));
  log = new DynamoMessageLog(db.doc, db.tables.audience);
});

afterAll(async () => {
  await db?.stop();
});

let sidCounter = 0;
function newSid(): string {
  sidCounter += 1;
  return `SM${String(process.pid).padStart(8, '0')}${String(sidCounter).padStart(24, '0')}`;
}

function welcome(to: string): OutboundMessage {
  return { to, from: '55155', body: 'Welcome to Krusty Burger Rewards!', purpose: 'opt-in-confirmation', programId: 'krusty-burger' };
}

async function logItem(phone: string, sid: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: audienceKeys.message(phone, sid), ConsistentRead: true }));
  return Item;
}

const SENT_AT = '2025-06-02T15:00:00.000Z';

describe('recording a sent message', () => {
  test('recordSent stores who, what, why and the carrier status under the MessageSid', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();

    // Act
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, SENT_AT);

    // Assess
    expect(await logItem(phone, sid)).toMatchObject({
      type: 'message',
      direction: 'out',
      to: phone,
      from: '55155',
      body: 'Welcome to Krusty Burger Rewards!',
      purpose: 'opt-in-confirmation',
      programId: 'krusty-burger',
      sentAt: SENT_AT,
      status: 'queued',
    });
  });

  test('the item expires (TTL attribute expiresAt, epoch seconds) 90 days after sending, in the future', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    const now = new Date();

    // Act
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, now.toISOString());

    // Assess
    const item = await logItem(phone, sid);
    const expiresAt = item!.expiresAt as number;
    expect(Number.isInteger(expiresAt)).toBe(true);
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(expiresAt).toBe(Math.floor(now.getTime() / 1000) + MESSAGE_LOG_DAYS * 24 * 3600);
    const { TimeToLiveDescription } = await db.client.send(new DescribeTimeToLiveCommand({ TableName: db.tables.audience }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });
});

describe('delivery status callbacks', () => {
  test('sent then delivered: the message ends delivered', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, SENT_AT);

    // Act
    await log.recordStatus({ to: phone, sid, status: 'sent', at: '2025-06-02T15:00:01.000Z' });
    await log.recordStatus({ to: phone, sid, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Assess
    expect(await logItem(phone, sid)).toMatchObject({ status: 'delivered', statusAt: '2025-06-02T15:00:02.000Z', sentAt: SENT_AT });
  });

  test('delivered arriving before sent: the late "sent" does not undo delivered', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, SENT_AT);
    await log.recordStatus({ to: phone, sid, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Act
    await log.recordStatus({ to: phone, sid, status: 'sent', at: '2025-06-02T15:00:03.000Z' });

    // Assess
    expect(await logItem(phone, sid)).toMatchObject({ status: 'delivered', statusAt: '2025-06-02T15:00:02.000Z' });
  });

  test('a status callback that beats recordSent: recordSent keeps the later status and adds the message details', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    await log.recordStatus({ to: phone, sid, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Act
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, SENT_AT);

    // Assess
    const item = await logItem(phone, sid);
    expect(item).toMatchObject({ status: 'delivered', body: 'Welcome to Krusty Burger Rewards!', purpose: 'opt-in-confirmation', sentAt: SENT_AT });
  });

  test('a failure keeps the carrier error code', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    await log.recordSent(welcome(phone), { sid, status: 'queued' }, SENT_AT);

    // Act
    await log.recordStatus({ to: phone, sid, status: 'undelivered', errorCode: 30003, at: '2025-06-02T15:00:05.000Z' });

    // Assess
    expect(await logItem(phone, sid)).toMatchObject({ status: 'undelivered', errorCode: 30003 });
  });

  test('a callback alone (no recordSent ever) still expires', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();
    const at = new Date().toISOString();

    // Act
    await log.recordStatus({ to: phone, sid, status: 'delivered', at });

    // Assess
    expect((await logItem(phone, sid))!.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('rejected messages', () => {
  test('recordRejected keeps the reason and expires', async () => {
    // Prepare
    const phone = freshPhone();
    const at = new Date().toISOString();

    // Act
    await log.recordRejected(welcome(phone), '21211: invalid To number', at);

    // Assess
    const items = await audienceItems(db, phone, 'MSG#');
    expect(items).toEqual([
      expect.objectContaining({ status: 'rejected', reason: '21211: invalid To number', purpose: 'opt-in-confirmation', direction: 'out' }),
    ]);
    expect(items[0]!.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});
