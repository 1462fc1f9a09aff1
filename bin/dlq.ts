#!/usr/bin/env node
/**
 * `npm run dlq -- list|redrive|purge <queue>`: look at, move back or delete what a topology queue's dead-letter
 * queue holds, on the running local gateway or on a deployed stage (--stage, --region).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { maskPhone } from '../functions/domain/phone-numbers';
import { readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { deadLetterQueueName, queueName, queues, type QueueName } from '../lib/topology';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const QUEUE_NAMES = Object.keys(queues) as [QueueName, ...QueueName[]];
const COMMANDS = ['list', 'redrive', 'purge'] as const;
const commandArg = z.enum(COMMANDS);
const queueArg = z.enum(QUEUE_NAMES);

const USAGE = `Usage:
  npm run dlq -- list                  how many messages each dead-letter queue holds
  npm run dlq -- list QUEUE            each message on QUEUE's dead-letter queue: id, first received, receives, body
  npm run dlq -- redrive QUEUE         move them back to QUEUE (FIFO: same message group, new deduplication id)
  npm run dlq -- purge QUEUE --yes     delete them for good
QUEUE: ${QUEUE_NAMES.join(' | ')}
Options: --json (list, for machines)  --show-numbers (list: phone numbers unmasked)
         --stage STAGE --region REGION (a deployed stage; default: the running local gateway)`;

class UsageError extends Error {}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean', default: false },
    'show-numbers': { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

function connect(): { client: SQSClient; stage: string } {
  if (values.stage) return { client: new SQSClient({ region: values.region }), stage: values.stage };
  if (values.region) throw new UsageError('--region goes with --stage');
  const running = readRunningInfo(settingsFromEnv().dataDir);
  if (!running?.sqsEndpoint) throw new Error('No local gateway is running (start it with `npm start`), and no --stage was given.');
  return { client: new SQSClient({ endpoint: running.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), stage: 'local' };
}

interface Pair {
  name: QueueName;
  source: { name: string; url: string };
  dlq: { name: string; url: string };
}

async function resolvePair(client: SQSClient, stage: string, name: QueueName): Promise<Pair> {
  const url = async (queue: string) => {
    try {
      return (await client.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;
    } catch (error) {
      throw new Error(`No queue named ${queue}${stage === 'local' ? '' : ` in stage ${stage}`}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const source = queueName(name, stage);
  const dlq = deadLetterQueueName(name, stage);
  return { name, source: { name: source, url: await url(source) }, dlq: { name: dlq, url: await url(dlq) } };
}

async function depth(client: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** One batch (long-polled for a second, so a real queue's empty answer means empty), hidden for visibilitySeconds. */
async function receive(client: SQSClient, url: string, visibilitySeconds: number): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      VisibilityTimeout: visibilitySeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

async function remove(client: SQSClient, url: string, messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  const { Failed = [] } = await client.send(
    new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }),
  );
  if (Failed.length > 0) throw new Error(`could not delete ${Failed.length} message(s) from the dead-letter queue: ${Failed[0]!.Message ?? Failed[0]!.Code}`);
}

const maskNumbers = (text: string) => (values['show-numbers'] ? text : text.replace(/\+\d{7,15}/g, (phone) => maskPhone(phone)));

interface DeadLetter {
  id: string;
  firstReceivedAt: string | null;
  /** Receives before this listing (SQS counts the listing's own look too; it is taken off). */
  receiveCount: number;
  messageGroupId: string | null;
  body: string;
  attributes: Record<string, string>;
}

function describe(message: Message): DeadLetter {
  const system = message.Attributes ?? {};
  const firstReceived = Number(system.ApproximateFirstReceiveTimestamp);
  return {
    id: message.MessageId!,
    firstReceivedAt: Number.isFinite(firstReceived) && firstReceived > 0 ? new Date(firstReceived).toISOString() : null,
    receiveCount: Math.max(0, Number(system.ApproximateReceiveCount ?? 1) - 1),
    messageGroupId: system.MessageGroupId ? maskNumbers(system.MessageGroupId) : null,
    body: maskNumbers(message.Body ?? ''),
    attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, maskNumbers(value.StringValue ?? '(binary)')])),
  };
}

/**
 * Reads every message without consuming it: each stays hidden while the listing runs, then is made visible
 * again. A FIFO queue hands out at most one batch per message group at a time, so a group with more than ten
 * dead letters shows its first ten.
 */
async function list(client: SQSClient, pair: Pair): Promise<number> {
  const seen = new Map<string, Message>();
  try {
    for (let batch = await receive(client, pair.dlq.url, 60); batch.length > 0; batch = await receive(client, pair.dlq.url, 60)) {
      for (const message of batch) seen.set(message.MessageId!, message);
    }
  } finally {
    const held = [...seen.values()];
    for (let i = 0; i < held.length; i += 10) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: pair.dlq.url,
          Entries: held.slice(i, i + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
  const letters = [...seen.values()].map(describe);
  const total = await depth(client, pair.dlq.url);
  if (values.json) {
    console.log(JSON.stringify({ queue: pair.name, sourceQueue: pair.source.name, deadLetterQueue: pair.dlq.name, approximateCount: total, messages: letters }, null, 2));
    return 0;
  }
  console.log(`${pair.dlq.name}: ${letters.length} message(s)${total > letters.length ? ` shown of about ${total} (a FIFO group shows ten at a time)` : ''}`);
  for (const letter of letters) {
    const group = letter.messageGroupId ? `  group ${letter.messageGroupId}` : '';
    console.log(`\n  ${letter.id}  first received ${letter.firstReceivedAt ?? 'never'}  received ${letter.receiveCount} time(s)${group}`);
    for (const [key, value] of Object.entries(letter.attributes)) console.log(`    ${key}: ${value}`);
    console.log(`    ${letter.body}`);
  }
  if (letters.length > 0 && !values['show-numbers']) console.log('\n(phone numbers masked; --show-numbers to see them)');
  return 0;
}

async function listAll(client: SQSClient, stage: string): Promise<number> {
  const rows = await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const pair = await resolvePair(client, stage, name);
      return { queue: name, deadLetterQueue: pair.dlq.name, messages: await depth(client, pair.dlq.url) };
    }),
  );
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else for (const row of rows) console.log(`${row.queue.padEnd(16)} ${String(row.messages).padStart(5)}  ${row.deadLetterQueue}`);
  return 0;
}

/**
 * Sends each dead letter back to its source queue, then deletes it from the dead-letter queue. FIFO messages
 * keep their message group (so one sender's texts stay in order) and get a new deduplication id: the original
 * may still be inside SQS's five-minute deduplication window, where a resend would be silently dropped. A crash
 * between the send and the delete redrives that message twice; the consumers handle a redelivery idempotently.
 */
async function redrive(client: SQSClient, pair: Pair): Promise<number> {
  const fifo = queues[pair.name].fifo;
  let moved = 0;
  for (let batch = await receive(client, pair.dlq.url, 60); batch.length > 0; batch = await receive(client, pair.dlq.url, 60)) {
    const { Successful = [], Failed = [] } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: pair.source.url,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0 ? { MessageAttributes: message.MessageAttributes } : {}),
          ...(fifo ? { MessageGroupId: message.Attributes?.MessageGroupId, MessageDeduplicationId: randomUUID() } : {}),
        })),
      }),
    );
    const sent = new Set(Successful.map((entry) => entry.Id));
    await remove(client, pair.dlq.url, batch.filter((_, index) => sent.has(String(index))));
    moved += sent.size;
    if (Failed.length > 0) {
      console.error(`Moved ${moved} message(s) back to ${pair.source.name}; ${Failed.length} could not be sent (${Failed[0]!.Message ?? Failed[0]!.Code}) and stay on ${pair.dlq.name}.`);
      return 1;
    }
  }
  console.log(`Moved ${moved} message(s) from ${pair.dlq.name} back to ${pair.source.name}.`);
  return 0;
}

async function purge(client: SQSClient, pair: Pair): Promise<number> {
  if (!values.yes) {
    console.error(`purge deletes every message on ${pair.dlq.name} for good (about ${await depth(client, pair.dlq.url)} now). Look first with \`npm run dlq -- list ${pair.name}\`, then run it again with --yes.`);
    return 1;
  }
  let deleted = 0;
  for (let batch = await receive(client, pair.dlq.url, 60); batch.length > 0; batch = await receive(client, pair.dlq.url, 60)) {
    await remove(client, pair.dlq.url, batch);
    deleted += batch.length;
  }
  console.log(`Deleted ${deleted} message(s) from ${pair.dlq.name}.`);
  return 0;
}

async function main(): Promise<number> {
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [commandText, queueText, ...extra] = positionals;
  const command = commandArg.safeParse(commandText);
  const queue = queueText === undefined ? undefined : queueArg.safeParse(queueText);
  if (!command.success || queue?.success === false || extra.length > 0 || (command.data !== 'list' && !queue)) {
    const problem = !command.success ? `unknown command ${commandText ?? '(none)'}` : queue?.success === false ? `unknown queue ${queueText}` : extra.length > 0 ? `unexpected ${extra.join(' ')}` : `${command.data} needs a QUEUE`;
    throw new UsageError(problem);
  }
  const { client, stage } = connect();
  try {
    if (!queue) return await listAll(client, stage);
    const pair = await resolvePair(client, stage, queue.data);
    if (command.data === 'list') return await list(client, pair);
    if (command.data === 'redrive') return await redrive(client, pair);
    return await purge(client, pair);
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
