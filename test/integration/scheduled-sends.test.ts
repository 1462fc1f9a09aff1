import { DynamoScheduledSends } from '../../functions/adapters/dynamo-scheduled-sends';
import type { OutboundMessage } from '../../functions/domain/audience';
import type { ScheduledSend } from '../../functions/domain/ports';
import { releaseScheduledSends } from '../../functions/domain/release-scheduled';
import { freshPhone, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let db: LocalDynamo;
beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-scheduled'));
});
afterAll(async () => {
  await db?.stop();
});

/** Scheduled sends in a table of their own, on a clock the test moves. */
async function world(start: string) {
  const table = await startLocalTable();
  let now = new Date(start);
  const store = new DynamoScheduledSends(db.doc, table, () => now);
  const released: string[] = [];
  const sweep = () =>
    releaseScheduledSends({
      scheduled: store,
      outbox: { enqueue: async (messages) => void released.push(...messages.map((m) => m.body)), enqueueEach: async () => undefined },
      clock: { now: () => now },
    });
  return { store, released, sweep, at: (iso: string) => (now = new Date(iso)), move: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

let tables = 0;
/** Each test its own table, so the sweep cursors of different tests never meet. */
async function startLocalTable(): Promise<string> {
  tables += 1;
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  const name = `${db.tables.audience}-${tables}`;
  await db.client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  return name;
}

function send(id: string, dueAt: string): ScheduledSend {
  const message: OutboundMessage = { to: freshPhone(), from: '55155', body: id, purpose: 'follow-up', programId: 'krusty-burger' };
  return { id, dueAt, reason: 'survey', message };
}

describe('scheduled sends are released whatever their age', () => {
  test('a survey due three days into a ten-day pause of the sweep is released when the sweep comes back, once', async () => {
    // Prepare
    const w = await world('2026-11-24T18:00:00Z');
    await w.store.schedule([send('survey-a', '2026-11-27T18:00:00.000Z')]);
    await w.sweep();

    // Act
    w.at('2026-12-04T18:00:00Z');
    const first = await w.sweep();
    const second = await w.sweep();

    // Assess
    expect([first, second]).toEqual([1, 0]);
    expect(w.released).toEqual(['survey-a']);
  });

  test('a send already overdue when scheduled (a purchase reported days late) goes out at the next sweep', async () => {
    // Prepare
    const w = await world('2026-11-24T18:00:00Z');
    await w.sweep();

    // Act
    await w.store.schedule([send('late-survey', '2026-11-20T10:00:00.000Z')]);
    w.move(60_000);
    await w.sweep();

    // Assess
    expect(w.released).toEqual(['late-survey']);
  });

  test('after the clock is moved back (locally), a send filed in the earlier hours is still found', async () => {
    // Prepare: the sweep has moved on to Dec 4
    const w = await world('2026-12-04T18:00:00Z');
    await w.sweep();

    // Act: back to Nov 24; a survey due two hours later
    w.at('2026-11-24T18:00:00Z');
    await w.store.schedule([send('back-in-time', '2026-11-24T20:00:00.000Z')]);
    w.at('2026-11-24T20:30:00Z');
    await w.sweep();

    // Assess
    expect(w.released).toEqual(['back-in-time']);
  });

  test('nothing is released before its time, and each send exactly once over many sweeps', async () => {
    // Prepare
    const w = await world('2026-11-24T18:00:00Z');
    await w.store.schedule([send('in-1h', '2026-11-24T19:00:00.000Z'), send('in-1d', '2026-11-25T18:00:00.000Z')]);

    // Act
    const counts: number[] = [];
    for (const step of [30 * 60_000, 31 * 60_000, HOUR, DAY, DAY]) {
      w.move(step);
      counts.push(await w.sweep());
    }

    // Assess
    expect(counts).toEqual([0, 1, 0, 1, 0]);
    expect(w.released).toEqual(['in-1h', 'in-1d']);
  });
});
