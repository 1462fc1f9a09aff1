import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { startSqsLocal, type SqsLocal } from '../../lib/local/sqs-local';
import { ensureTables, localTableName } from '../../lib/local/tables';

/**
 * Real local stand-ins for the AWS services the adapters talk to: DynamoDB Local (Java) and fauxqs.
 * One instance per test file (start in beforeAll, stop in afterAll); nothing here is a mock.
 */

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** The stage the topology's tables were created under; unique per test file. */
  stage: string;
  tables: { catalog: string; audience: string; stats: string };
  stop(): Promise<void>;
}

/** DynamoDB Local in a fresh temporary directory, with the topology's tables created for `stage`. */
export async function startLocalDynamo(stage: string): Promise<LocalDynamo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-it-'));
  let local: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
  try {
    local = await startDynamoDbLocal(dataDir);
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: localCredentials });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await ensureTables(client, stage);
    const running = local;
    return {
      endpoint: local.endpoint,
      client,
      doc,
      stage,
      tables: { catalog: localTableName('catalog', stage), audience: localTableName('audience', stage), stats: localTableName('stats', stage) },
      stop: async () => {
        doc.destroy();
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** fauxqs with the topology's queues (and their dead-letter queues) created. */
/** Records the name of every request sent through a DynamoDB client (GetItem, TransactWriteItems, …), in order. */
export function recordRequests(client: LocalDynamo['doc']): string[] {
  const requests: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push((context.commandName ?? '').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return requests;
}

export function startLocalSqs(): Promise<SqsLocal> {
  return startSqsLocal();
}

/** A unique stage name for one test file, so table and queue names never collide. */
export function uniqueStage(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

export interface QueueWithDlq {
  url: string;
  arn: string;
  dlqUrl: string;
}

/** A queue of our own with a dead-letter queue, for tests that need short timeouts. */
export async function createQueueWithDlq(
  client: SQSClient,
  name: string,
  options: { fifo?: boolean; visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<QueueWithDlq> {
  const suffix = options.fifo ? '.fifo' : '';
  const fifo = options.fifo ? { FifoQueue: 'true' } : {};
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: { ...fifo } }));
  const dlqArn = await queueArn(client, dlq.QueueUrl!);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}${suffix}`,
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  return { url: queue.QueueUrl!, arn: await queueArn(client, queue.QueueUrl!), dlqUrl: dlq.QueueUrl! };
}

export async function queueArn(client: SQSClient, url: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

/**
 * Receives (and deletes) everything visible on a queue until a receive comes back empty, in the order
 * the queue hands it out. Short polls with a 1 s wait keep "nothing more" a real observation.
 */
export async function drainQueue(client: SQSClient, url: string, options: { waitSeconds?: number } = {}): Promise<Message[]> {
  const drained: Message[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: options.waitSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return drained;
    drained.push(...Messages);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

/** Every item of one number's partition in the audience table whose sort key starts with `skPrefix`. */
export async function audienceItems(db: LocalDynamo, phone: string, skPrefix = ''): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await db.doc.send(
    new QueryCommand({
      TableName: db.tables.audience,
      // DynamoDB refuses an empty string in a key condition, so "everything" is the partition alone.
      KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PHONE#${phone}`, ...(skPrefix ? { ':prefix': skPrefix } : {}) },
      ConsistentRead: true,
    }),
  );
  return Items;
}

let phoneCounter = 0;
/** A fresh US number per test, so tests sharing one table never see each other's state. */
export function freshPhone(): string {
  phoneCounter += 1;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((ok) => setTimeout(ok, ms));
}
