import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deadLetterQueueName, queueName, queues, type QueueName } from '../topology';
import { LocalSetupError, stopChild, waitFor } from './child-processes';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
}

export interface SqsLocal {
  endpoint: string;
  client: SQSClient;
  queues: Record<QueueName, LocalQueue>;
  stop(): Promise<void>;
}

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** fauxqs in a child process (it is ESM-only and keeps no data across restarts). */
async function startFauxqs(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'fauxqs-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^FAUXQS_READY (\d+)$/.exec(line);
      if (match) ok(Number(match[1]));
    });
    child.once('exit', (code) => fail(new LocalSetupError(`the local SQS server exited with code ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('the local SQS server', async () => (await fetch(`${endpoint}/health`)).ok, child);
  return { endpoint, stop: () => stopChild(child) };
}

/** Creates every topology queue with its dead-letter queue and redrive policy. */
export async function createQueues(client: SQSClient, stage = 'local'): Promise<Record<QueueName, LocalQueue>> {
  const created = {} as Record<QueueName, LocalQueue>;
  for (const [name, spec] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
    const fifo = spec.fifo ? { FifoQueue: 'true' } : {};
    const dlq = await client.send(new CreateQueueCommand({ QueueName: deadLetterQueueName(name, stage), Attributes: { ...fifo } }));
    const dlqArn = await queueArn(client, dlq.QueueUrl!);
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: queueName(name, stage),
        Attributes: {
          ...fifo,
          VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    );
    created[name] = { url: queue.QueueUrl!, arn: await queueArn(client, queue.QueueUrl!), dlqUrl: dlq.QueueUrl! };
  }
  return created;
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

export async function startSqsLocal(): Promise<SqsLocal> {
  const server = await startFauxqs();
  const client = new SQSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: localCredentials });
  await client.send(new ListQueuesCommand({}));
  return {
    endpoint: server.endpoint,
    client,
    queues: await createQueues(client),
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
