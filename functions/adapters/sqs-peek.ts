import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { PeekedMessage, QueueLook } from '../domain/console-problems';

/** Receives per look at most: each brings up to ten messages, and SQS counts each as a receive of what it brought. */
const MAX_RECEIVES = 5;

const iso = (millis: string | undefined) => {
  const value = Number(millis);
  return Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : undefined;
};

function peeked(message: Message): PeekedMessage {
  const system = message.Attributes ?? {};
  const sentAt = iso(system.SentTimestamp);
  const firstReceivedAt = iso(system.ApproximateFirstReceiveTimestamp);
  return {
    id: message.MessageId ?? '(no id)',
    body: message.Body ?? '',
    attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) => (value.StringValue === undefined ? [] : [[name, value.StringValue]]))),
    ...(sentAt ? { sentAt } : {}),
    ...(firstReceivedAt ? { firstReceivedAt } : {}),
    receiveCount: Number(system.ApproximateReceiveCount ?? 0),
  };
}

/**
 * What a queue holds, without taking it: ReceiveMessage with a visibility timeout of 0 leaves every
 * message visible (nothing is deleted or hidden), so consumers and `npm run dlq` see them as before.
 * A look receives again until a receive brings nothing new (at most 50 messages; the count is
 * SQS's approximate one). Each look counts as a receive of the messages it brought.
 */
export async function peekQueue(client: SQSClient, queueUrl: string): Promise<QueueLook> {
  const seen = new Map<string, PeekedMessage>();
  for (let receive = 0; receive < MAX_RECEIVES; receive += 1) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        // Long-polled for a second: a short poll of a real queue may answer empty while it holds messages.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
    for (const message of fresh) seen.set(message.MessageId!, peeked(message));
    if (fresh.length === 0) break;
  }
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const approximateCount = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  return { approximateCount: Math.max(approximateCount, seen.size), messages: [...seen.values()] };
}
