import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext, sqsEvent } from './lambda-events';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  functionName: string;
  timeoutSeconds: number;
  handler: SqsHandler;
  onError?: (error: unknown) => void;
  /** While true the poller waits instead of receiving (a dependency is down: retries would only burn receives). */
  paused?: () => boolean;
}

/**
 * Plays Lambda's SQS event source mapping: receive a batch, invoke, delete what succeeded. Records
 * named in batchItemFailures (or all, when the handler throws) stay on the queue, come back after
 * the visibility timeout, and move to the dead-letter queue after maxReceiveCount, as in AWS.
 */
export function startQueuePoller(options: PollerOptions): { stop(): Promise<void> } {
  let stopped = false;
  const abort = new AbortController();
  const loop = (async () => {
    while (!stopped) {
      if (options.paused?.()) {
        await new Promise((ok) => setTimeout(ok, 200));
        continue;
      }
      try {
        await pollOnce(options, abort.signal);
      } catch (error) {
        if (stopped) break;
        if (!options.paused?.()) options.onError?.(error);
        await new Promise((ok) => setTimeout(ok, 500));
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      // Ends a long poll at once; a handler already running finishes first.
      abort.abort();
      await loop;
    },
  };
}

export async function pollOnce(options: PollerOptions, abortSignal?: AbortSignal): Promise<number> {
  const { Messages = [] } = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    }),
    { abortSignal },
  );
  if (Messages.length === 0) return 0;
  let failed: Set<string>;
  try {
    const response = await options.handler(sqsEvent(Messages, options.queueArn), lambdaContext(options.functionName, options.timeoutSeconds));
    failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    // As Lambda: a batch whose invocation failed comes back whole, after the visibility timeout.
    options.onError?.(new Error(`${options.functionName} failed a batch of ${Messages.length}; it comes back after the visibility timeout`, { cause: error }));
    failed = new Set(Messages.map((message) => message.MessageId!));
  }
  const done = Messages.filter((message) => !failed.has(message.MessageId!));
  if (done.length > 0) {
    await options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
  return Messages.length;
}
