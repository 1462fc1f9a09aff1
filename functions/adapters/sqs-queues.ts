import { ChangeMessageVisibilityBatchCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { outboxEntries, type OutboundMessage } from '../domain/audience';
import type { Outbox, PageQueue, RejectedEvents } from '../domain/ports';
import type { InboundQueueMessage, OutboundQueueMessage } from '../schemas/queue-messages';
import { sqsAttributeText, sqsMessageBody } from './sqs-body';

const SQS_BATCH_LIMIT = 10;

/** Inbound FIFO: one group per sender keeps a person's texts in order; MessageSid deduplicates Twilio's retries. */
export async function enqueueInbound(client: SQSClient, queueUrl: string, message: InboundQueueMessage): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: sqsMessageBody(message),
      MessageGroupId: message.from,
      MessageDeduplicationId: message.messageSid,
    }),
  );
}

/** Outbound FIFO grouped by recipient, so one person's messages leave in the order they were made. */
export class SqsOutbox implements Outbox {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => Date,
  ) {}

  enqueue(messages: OutboundMessage[], causedBy: string): Promise<void> {
    return this.enqueueEach(outboxEntries(causedBy, messages));
  }

  /** SendMessageBatch, ten at a time; the FIFO group is the recipient, the dedup id each entry's own. */
  async enqueueEach(entries: { id: string; message: OutboundMessage }[]): Promise<void> {
    const queuedAt = this.now().toISOString();
    const batch = entries.map(({ id, message }, index) => {
      const body: OutboundQueueMessage = { id, queuedAt, ...message };
      return { Id: String(index), MessageBody: sqsMessageBody(body), MessageGroupId: message.to, MessageDeduplicationId: id };
    });
    for (let start = 0; start < batch.length; start += SQS_BATCH_LIMIT) {
      const result = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch.slice(start, start + SQS_BATCH_LIMIT) }),
      );
      if (result.Failed?.length) {
        throw new Error(`outbound queue refused ${result.Failed.length} message(s): ${result.Failed[0]?.Code}`);
      }
    }
  }
}

/** Pages of a fan-out (lunch, a campaign), each its own invocation of the function the queue triggers. */
export class SqsPageQueue<P extends object> implements PageQueue<P> {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly what = 'page',
  ) {}

  async send(pages: P[]): Promise<void> {
    for (let start = 0; start < pages.length; start += SQS_BATCH_LIMIT) {
      const entries = pages.slice(start, start + SQS_BATCH_LIMIT).map((page, index) => ({ Id: String(index), MessageBody: sqsMessageBody(page) }));
      const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      if (result.Failed?.length) throw new Error(`${this.what} queue refused ${result.Failed.length} page(s): ${result.Failed[0]?.Code}`);
    }
  }
}

/** Events that can never be processed, kept with the reason on a queue nobody consumes automatically. */
export class SqsRejectedEvents implements RejectedEvents {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async reject(event: unknown, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: sqsMessageBody({ reason, event }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: sqsAttributeText(reason) } },
      }),
    );
  }
}

/**
 * Brings failed records back sooner (or later) than the queue's visibility timeout: the timeout must
 * stay long enough for a whole invocation, but a message the carrier asked to retry should not wait
 * that long. Best effort: without it the record simply returns after the visibility timeout.
 */
export async function retryAfter(client: SQSClient, queueUrl: string, records: { receiptHandle: string; seconds: number }[]): Promise<void> {
  for (let start = 0; start < records.length; start += SQS_BATCH_LIMIT) {
    const entries = records.slice(start, start + SQS_BATCH_LIMIT).map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle, VisibilityTimeout: record.seconds }));
    await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}
