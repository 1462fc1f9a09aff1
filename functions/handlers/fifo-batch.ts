import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqs } from '../adapters/sqs-client';
import { retryAfter } from '../adapters/sqs-queues';
import { logger } from '../shared/logger';

export interface FifoBatchOptions {
  context: Pick<Context, 'getRemainingTimeInMillis'>;
  /** The most one record can take; a record is not started with less time left (it waits for the next delivery). */
  reserveMs: number;
  /**
   * The batch answers this long before the function's deadline whatever is still running (default
   * 1500 ms): a record still in flight is reported failed and comes back on its own, instead of the
   * whole batch waiting out the visibility timeout after the function timed out. The record's work
   * must tolerate finishing after it was reported (every handler here is idempotent per record).
   */
  deadlineMarginMs?: number;
  onError?: (record: SQSRecord, error: unknown) => void;
}

/** Default `deadlineMarginMs`: time to answer and shorten the failed records' retry delay. */
export const BATCH_DEADLINE_MARGIN_MS = 1_500;

/** Records of one message group in queue order; records without a group each stand alone. */
function byGroup(records: SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? `record:${record.messageId}`;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  return [...groups.values()];
}

/**
 * A FIFO batch the way a sender needs it: message groups side by side, each group's records one
 * after the other. A record that fails fails alone, plus the later records of its own group (their
 * order must hold); a record that could not finish before the function's deadline is not started,
 * and the batch answers shortly before that deadline even when a record is still running.
 * Returns the failures (SQS redelivers them) and the records that failed or were not attempted.
 */
export async function processFifoBatch(
  event: SQSEvent,
  handle: (record: SQSRecord) => Promise<void>,
  options: FifoBatchOptions,
): Promise<SQSBatchResponse & { failed: SQSRecord[] }> {
  const succeeded = new Set<SQSRecord>();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((ok) => {
    timer = setTimeout(ok, Math.max(0, options.context.getRemainingTimeInMillis() - (options.deadlineMarginMs ?? BATCH_DEADLINE_MARGIN_MS)));
  });
  const groups = Promise.all(
    byGroup(event.Records).map(async (group) => {
      for (const record of group) {
        if (options.context.getRemainingTimeInMillis() < options.reserveMs) return;
        try {
          await handle(record);
        } catch (error) {
          options.onError?.(record, error);
          return;
        }
        succeeded.add(record);
      }
    }),
  );
  await Promise.race([groups, deadline]).finally(() => clearTimeout(timer));
  // Everything not finished by now: failed, not attempted, or still running at the deadline.
  const failed = event.Records.filter((record) => !succeeded.has(record));
  return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })), failed };
}

/**
 * How long a failed record stays away before its next try: doubling from one second with its
 * receive count, up to `maxSeconds`, with jitter so a burst of 429s does not come back as one burst.
 */
export function retryDelaySeconds(receiveCount: number, maxSeconds: number, random = Math.random): number {
  const doubled = Math.min(maxSeconds, 2 ** Math.max(0, receiveCount - 1));
  return Math.max(1, Math.round(doubled * (0.5 + random() / 2)));
}

/**
 * Failed records come back after a short, growing delay instead of the queue's whole visibility
 * timeout (six function timeouts). The consumer learns its queue's URL from `queueUrlEnv`.
 */
export async function retrySoon(records: SQSRecord[], queueUrlEnv: string): Promise<void> {
  const queueUrl = process.env[queueUrlEnv];
  if (records.length === 0 || !queueUrl) return;
  const maxSeconds = Number(process.env.RETRY_MAX_DELAY_SECONDS ?? 60);
  const retries = records.map((record) => ({
    receiptHandle: record.receiptHandle,
    seconds: retryDelaySeconds(Number(record.attributes.ApproximateReceiveCount ?? 1), maxSeconds),
  }));
  await retryAfter(sqs(), queueUrl, retries).catch((error: unknown) =>
    logger.warn('Could not shorten the retry delay; the visibility timeout applies', { error: (error as Error).message }),
  );
}
