import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn, type ChildProcess } from 'node:child_process';
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

/**
 * Spawns fauxqs (ESM-only, in-memory) in a child process on 127.0.0.1 (on `port`, or a free one) and resolves
 * once it answers. Like DynamoDB Local it runs in its own process group and exits when our pipe on its stdin
 * closes, so it never outlives the gateway.
 */
export async function launchFauxqs(port = 0, onSpawned?: (child: ChildProcess) => void): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'fauxqs-server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
    env: { ...process.env, FAUXQS_PORT: String(port) },
  });
  child.stdin!.on('error', () => undefined);
  onSpawned?.(child);
  const ready = await new Promise<number>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^FAUXQS_READY (\d+)$/.exec(line);
      if (match) ok(Number(match[1]));
    });
    child.once('exit', (code) => fail(new LocalSetupError(`the local SQS server exited with code ${code}${port ? ` (is port ${port} taken?)` : ''}`)));
  });
  const endpoint = `http://127.0.0.1:${ready}`;
  try {
    await waitFor('the local SQS server', async () => (await fetch(`${endpoint}/health`)).ok, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, port: ready };
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

export const sqsClient = (endpoint: string) => new SQSClient({ endpoint, region: 'us-east-1', credentials: localCredentials });

/** fauxqs on a free port with the topology's queues (and their dead-letter queues) created. */
export async function startSqsLocal(): Promise<SqsLocal> {
  const { child, port } = await launchFauxqs();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = sqsClient(endpoint);
  try {
    await client.send(new ListQueuesCommand({}));
    return {
      endpoint,
      client,
      queues: await createQueues(client),
      stop: async () => {
        client.destroy();
        await stopChild(child);
      },
    };
  } catch (error) {
    client.destroy();
    await stopChild(child);
    throw error;
  }
}
