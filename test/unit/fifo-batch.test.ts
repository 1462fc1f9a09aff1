import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { processFifoBatch, retryDelaySeconds } from '../../functions/handlers/fifo-batch';

function record(id: string, group: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: '{}',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: group },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
    awsRegion: 'us-east-1',
  };
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const plenty = { getRemainingTimeInMillis: () => 60_000 };

describe('a FIFO batch, recipients side by side', () => {
  test('one slow recipient does not hold up the others; each recipient keeps its order', async () => {
    // Prepare
    const done: string[] = [];
    const event = batch(record('a1', 'A'), record('b1', 'B'), record('a2', 'A'), record('b2', 'B'));
    // Act
    await processFifoBatch(event, async (r) => {
      if (r.messageId === 'a1') await new Promise((ok) => setTimeout(ok, 50));
      done.push(r.messageId);
    }, { context: plenty, reserveMs: 1_000 });
    // Assess
    expect(done).toEqual(['b1', 'b2', 'a1', 'a2']);
  });

  test('a failure fails its own message and its group\'s later ones only', async () => {
    // Prepare
    const event = batch(record('a1', 'A'), record('a2', 'A'), record('a3', 'A'), record('b1', 'B'));
    const attempted: string[] = [];
    // Act
    const result = await processFifoBatch(event, async (r) => {
      attempted.push(r.messageId);
      if (r.messageId === 'a2') throw new Error('carrier timeout');
    }, { context: plenty, reserveMs: 1_000 });
    // Assess
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a2', 'a3']);
    expect(attempted.sort()).toEqual(['a1', 'a2', 'b1']);
  });

  test('a message is not started without time left to finish it: it waits for the next delivery', async () => {
    // Prepare
    let remaining = 10_000;
    const event = batch(record('a1', 'A'), record('a2', 'A'));
    // Act
    const result = await processFifoBatch(event, async () => {
      remaining -= 6_000;
    }, { context: { getRemainingTimeInMillis: () => remaining }, reserveMs: 5_000 });
    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'a2' }]);
  });

  test('a record still running near the deadline: the batch answers in time, with it and its group\'s later ones failed', async () => {
    // Prepare
    const started = Date.now();
    const deadline = started + 400;
    const event = batch(record('a1', 'A'), record('a2', 'A'), record('b1', 'B'));
    const finishedLate: string[] = [];
    // Act
    const result = await processFifoBatch(event, async (r) => {
      if (r.messageId === 'a1') {
        await new Promise((ok) => setTimeout(ok, 1_000));
        finishedLate.push(r.messageId);
      }
    }, { context: { getRemainingTimeInMillis: () => deadline - Date.now() }, reserveMs: 100, deadlineMarginMs: 150 });
    const answeredAfter = Date.now() - started;
    // Assess
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'a2']);
    expect(answeredAfter).toBeLessThan(400);
    expect(finishedLate).toEqual([]);
  });
});

describe('retry delays', () => {
  test.each([
    [1, 60, [1, 1]],
    [2, 60, [1, 2]],
    [4, 60, [4, 8]],
    [10, 60, [30, 60]],
    [10, 2, [1, 2]],
  ])('receive %d, at most %d s → between %j s', (receiveCount, max, [low, high]) => {
    // Act
    const delays = [0, 0.5, 0.999].map((r) => retryDelaySeconds(receiveCount, max, () => r));
    // Assess
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(low!);
      expect(delay).toBeLessThanOrEqual(high!);
    }
  });
});
