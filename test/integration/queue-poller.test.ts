import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { pollOnce, startQueuePoller, type PollerOptions, type SqsHandler } from '../../lib/local/queue-poller';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { createQueueWithDlq, drainQueue, sleep, startLocalSqs, type QueueWithDlq } from '../support/local-stand-ins';

jest.setTimeout(60_000);

let sqs: SqsLocal;

beforeAll(async () => {
  sqs = await startLocalSqs();
});

afterAll(async () => {
  await sqs?.stop();
});

let queueCounter = 0;
async function newQueue(options: { fifo?: boolean; visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}): Promise<QueueWithDlq> {
  queueCounter += 1;
  return createQueueWithDlq(sqs.client, `it-poller-${process.pid}-${queueCounter}`, {
    fifo: options.fifo ?? false,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
    maxReceiveCount: options.maxReceiveCount ?? 2,
  });
}

function pollerOptions(queue: QueueWithDlq, handler: SqsHandler, extra: Partial<PollerOptions> = {}): PollerOptions {
  return { client: sqs.client, queueUrl: queue.url, queueArn: queue.arn, batchSize: 10, functionName: 'it-poller', timeoutSeconds: 5, handler, ...extra };
}

async function send(queue: QueueWithDlq, body: string, group?: string): Promise<void> {
  await sqs.client.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: body,
      ...(group ? { MessageGroupId: group, MessageDeduplicationId: `${group}-${body}` } : {}),
    }),
  );
}

async function receiveNow(url: string, waitSeconds = 0) {
  const { Messages = [] } = await sqs.client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }),
  );
  return Messages;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error('condition not met in time');
}

describe('partial batch failures', () => {
  test('only the record named in batchItemFailures comes back after the visibility timeout; the rest are deleted', async () => {
    // Prepare
    const queue = await newQueue({ maxReceiveCount: 5 });
    for (const body of ['a', 'b', 'c']) await send(queue, body);
    const seen: string[] = [];
    const handler: SqsHandler = async (event) => {
      seen.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: event.Records.filter((r) => r.body === 'b').map((r) => ({ itemIdentifier: r.messageId })) };
    };

    // Act
    const received = await pollOnce(pollerOptions(queue, handler));

    // Assess
    expect(received).toBe(3);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(await receiveNow(queue.url)).toEqual([]);
    await sleep(1_200);
    const back = await receiveNow(queue.url, 1);
    expect(back.map((m) => m.Body)).toEqual(['b']);
    expect(back[0]!.Attributes?.ApproximateReceiveCount).toBe('2');
    // a and c were deleted, not merely hidden: they never come back.
    await sleep(1_200);
    expect((await receiveNow(queue.url, 1)).map((m) => m.Body)).toEqual(['b']);
  });

  test('a handler that succeeds has every record deleted', async () => {
    // Prepare
    const queue = await newQueue();
    for (const body of ['x', 'y']) await send(queue, body);

    // Act
    const received = await pollOnce(pollerOptions(queue, async () => ({ batchItemFailures: [] })));

    // Assess
    expect(received).toBe(2);
    await sleep(1_200);
    expect(await receiveNow(queue.url, 1)).toEqual([]);
  });

  test('the handler gets the records the way Lambda builds them', async () => {
    // Prepare
    const queue = await newQueue({ fifo: true });
    await send(queue, '{"hello":"world"}', '+15550001111');
    let event: SQSEvent | undefined;

    // Act
    await pollOnce(pollerOptions(queue, async (e) => void (event = e)));

    // Assess
    expect(event!.Records).toEqual([
      expect.objectContaining({
        body: '{"hello":"world"}',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        attributes: expect.objectContaining({ ApproximateReceiveCount: '1', MessageGroupId: '+15550001111', MessageDeduplicationId: '+15550001111-{"hello":"world"}' }),
      }),
    ]);
  });
});

describe('dead-letter queue', () => {
  test('a handler that always throws: after maxReceiveCount (2) receives the message is in the DLQ, intact', async () => {
    // Prepare
    const queue = await newQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    await send(queue, 'poison');
    const receiveCounts: string[] = [];
    const errors: unknown[] = [];
    const handler: SqsHandler = async (event) => {
      receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      throw new Error('handler always fails');
    };
    const dead: string[] = [];

    // Act
    const poller = startQueuePoller(pollerOptions(queue, handler, { onError: (error) => errors.push(error) }));
    try {
      await waitUntil(async () => {
        dead.push(...(await drainQueue(sqs.client, queue.dlqUrl, { waitSeconds: 0 })).map((m) => m.Body!));
        return dead.length > 0;
      });
    } finally {
      await poller.stop();
    }

    // Assess
    expect(dead).toEqual(['poison']);
    expect(receiveCounts).toEqual(['1', '2']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual(expect.objectContaining({ message: expect.stringMatching(/failed a batch of 1/), cause: expect.objectContaining({ message: 'handler always fails' }) }));
    await sleep(1_200);
    expect(await receiveNow(queue.url, 1)).toEqual([]);
  });

  test('a record failing through batchItemFailures also ends in the DLQ, its batch mates do not', async () => {
    // Prepare
    const queue = await newQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    for (const body of ['good-1', 'bad', 'good-2']) await send(queue, body);
    const handled: string[] = [];
    const handler: SqsHandler = async (event) => {
      handled.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })) };
    };
    const dead: string[] = [];

    // Act
    const poller = startQueuePoller(pollerOptions(queue, handler));
    try {
      await waitUntil(async () => {
        dead.push(...(await drainQueue(sqs.client, queue.dlqUrl, { waitSeconds: 0 })).map((m) => m.Body!));
        return dead.length > 0;
      });
    } finally {
      await poller.stop();
    }

    // Assess
    expect(dead).toEqual(['bad']);
    expect(handled.filter((body) => body === 'bad')).toHaveLength(2);
    expect(handled.filter((body) => body.startsWith('good')).sort()).toEqual(['good-1', 'good-2']);
  });
});

describe('FIFO order', () => {
  test('within a message group, records reach the handler in send order across batches', async () => {
    // Prepare
    const queue = await newQueue({ fifo: true, visibilityTimeoutSeconds: 5, maxReceiveCount: 5 });
    const sent: [string, string][] = [];
    for (let i = 1; i <= 25; i += 1) {
      sent.push(['+15550000001', `a${i}`]);
      if (i % 5 === 0) sent.push(['+15550000002', `b${i / 5}`]);
    }
    for (const [group, body] of sent) await send(queue, body, group);
    const batches: { group: string; body: string }[][] = [];
    const handler: SqsHandler = async (event) => {
      batches.push(event.Records.map((r) => ({ group: r.attributes.MessageGroupId!, body: r.body })));
    };

    // Act
    const poller = startQueuePoller(pollerOptions(queue, handler));
    try {
      await waitUntil(() => batches.flat().length >= sent.length);
    } finally {
      await poller.stop();
    }

    // Assess
    const handled = batches.flat();
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(handled.filter((r) => r.group === '+15550000001').map((r) => r.body)).toEqual(Array.from({ length: 25 }, (_, i) => `a${i + 1}`));
    expect(handled.filter((r) => r.group === '+15550000002').map((r) => r.body)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(handled).toHaveLength(sent.length);
  });

  test('a failure mid-group with the FIFO batch processor: the group resumes at the failed record, still in order', async () => {
    // Prepare
    const queue = await newQueue({ fifo: true, visibilityTimeoutSeconds: 1, maxReceiveCount: 5 });
    const group = '+15550000003';
    for (let i = 1; i <= 6; i += 1) await send(queue, `m${i}`, group);
    const processor = new SqsFifoPartialProcessorAsync();
    const handled: string[] = [];
    let failedOnce = false;
    const handler: SqsHandler = (event, context): Promise<SQSBatchResponse> =>
      processPartialResponse(
        event,
        async (record: { body: string }) => {
          if (record.body === 'm3' && !failedOnce) {
            failedOnce = true;
            throw new Error('m3 fails the first time');
          }
          handled.push(record.body);
        },
        processor,
        { context, skipGroupOnError: true },
      );

    // Act
    const poller = startQueuePoller(pollerOptions(queue, handler));
    try {
      await waitUntil(() => handled.length >= 6);
    } finally {
      await poller.stop();
    }

    // Assess
    expect(handled).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });
});
