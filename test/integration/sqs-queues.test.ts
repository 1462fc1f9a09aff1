import { enqueueInbound, SqsPageQueue, SqsOutbox, SqsRejectedEvents } from '../../functions/adapters/sqs-queues';
import { lunchPageMessage } from '../../functions/schemas/lunch-page';
import { inboundQueueMessage, outboundQueueMessage } from '../../functions/schemas/queue-messages';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { drainQueue, startLocalSqs } from '../support/local-stand-ins';

jest.setTimeout(60_000);

let sqs: SqsLocal;

beforeAll(async () => {
  sqs = await startLocalSqs();
});

afterAll(async () => {
  await sqs?.stop();
});

/** Texts the local SQS server refuses raw (astral characters), that every SQS refuses (U+FFFE, U+FFFF, NUL), and a lone surrogate. */
const hardTexts: [string, string][] = [
  ['emoji', 'Hi 👋🏽 KRUSTY 🍔'],
  ['fullwidth letters and U+FFFE', 'ＳＴＯＰ \uFFFE'],
  ['U+FFFF, NUL and an RTL mark', '\uFFFF\u0000\u202Bمرحبا'],
  ['a lone surrogate', 'half \uD83C burger'],
];

async function bodiesOn(queue: keyof SqsLocal['queues']): Promise<string[]> {
  const messages = await drainQueue(sqs.client, sqs.queues[queue].url, { waitSeconds: 0 });
  return messages.map((message) => message.Body ?? '');
}

describe('every queue writer puts any text on SQS and the consumer reads it back unchanged', () => {
  test.each(hardTexts)('%s', async (_case, text) => {
    // Prepare
    const now = new Date('2026-11-24T18:00:00Z');
    const caseNumber = hardTexts.findIndex(([, t]) => t === text);
    const inbound = { messageSid: `SM${String(caseNumber).padStart(32, '0')}`, from: '+15555550100', to: '55155', body: text, numMedia: 0, receivedAt: now.toISOString() };
    const outbound = { to: '+15555550100', from: '55155', body: `Reply: ${text}`, purpose: 'reply' as const, programId: 'krusty-burger' };
    const page = { programId: 'krusty-burger', zone: 'America/Chicago', localDate: '2026-11-24', after: JSON.stringify({ pk: text }) };
    const rejected = { detail: { phone: text } };

    // Act
    await enqueueInbound(sqs.client, sqs.queues.inbound.url, inbound);
    await new SqsOutbox(sqs.client, sqs.queues.outbound.url, () => now).enqueue([outbound], `case-${caseNumber}`);
    await new SqsPageQueue(sqs.client, sqs.queues.lunchPages.url, 'lunch page').send([page]);
    await new SqsRejectedEvents(sqs.client, sqs.queues.rejectedEvents.url).reject(rejected, `detail.${text}: invalid`);

    // Assess
    const [inboundBody] = await bodiesOn('inbound');
    const [outboundBody] = await bodiesOn('outbound');
    const [pageBody] = await bodiesOn('lunchPages');
    const [rejectedBody] = await bodiesOn('rejectedEvents');
    expect(inboundQueueMessage.parse(JSON.parse(inboundBody!))).toEqual(inbound);
    expect(outboundQueueMessage.parse(JSON.parse(outboundBody!))).toMatchObject(outbound);
    expect(lunchPageMessage.parse(JSON.parse(pageBody!))).toEqual(page);
    expect(JSON.parse(rejectedBody!)).toEqual({ reason: `detail.${text}: invalid`, event: rejected });
  });
});
