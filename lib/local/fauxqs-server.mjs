// Runs fauxqs (ESM-only) in its own process on 127.0.0.1 and reports the port it got on stdout.
// fauxqs's own startFauxqs listens on every interface, so this builds its app and listens itself.
import { randomUUID } from 'node:crypto';
import { buildApp } from 'fauxqs';

// fauxqs 1.9 hands out one message per FIFO message group per receive. SQS returns as many messages
// of a group as it can (up to MaxNumberOfMessages), so a Lambda batch holds a recipient's consecutive
// messages together, in order; the sender relies on that (a conversation turn's replies are claimed
// and recorded together). So the stand-in does as SQS does: a group's messages are taken in order
// until the receive is full. A group stays locked while any of its messages is in flight (fauxqs
// counts one lock per message), and messages that come back are put back in their sequence order.
const { SqsQueue } = await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href);

SqsQueue.prototype.dequeueFifo = function dequeueFifo(maxCount, visibilityTimeoutOverride, dlqResolver) {
  this.processTimers();
  const visibilityTimeout = visibilityTimeoutOverride ?? parseInt(this.attributes.VisibilityTimeout);
  let maxReceiveCount = Infinity;
  let dlqArn;
  if (this.attributes.RedrivePolicy) {
    try {
      const policy = JSON.parse(this.attributes.RedrivePolicy);
      maxReceiveCount = policy.maxReceiveCount ?? Infinity;
      dlqArn = policy.deadLetterTargetArn;
    } catch {
      // An unreadable policy: no dead-letter queue, as fauxqs does.
    }
  }
  const result = [];
  const count = Math.min(maxCount, 10);
  for (const [groupId, groupMsgs] of this.fifoMessages) {
    if (result.length >= count) break;
    if (this.fifoLockedGroups.has(groupId)) continue;
    while (result.length < count && groupMsgs.length > 0) {
      const msg = groupMsgs.shift();
      msg.approximateReceiveCount++;
      msg.approximateFirstReceiveTimestamp ??= Date.now();
      if (dlqArn && dlqResolver && msg.approximateReceiveCount > maxReceiveCount) {
        const dlq = dlqResolver(dlqArn);
        if (dlq) {
          dlq.enqueue(msg);
          continue;
        }
      }
      const receiptHandle = randomUUID();
      this.inflightMessages.set(receiptHandle, { message: msg, receiptHandle, visibilityDeadline: Date.now() + visibilityTimeout * 1000 });
      const received = { MessageId: msg.messageId, ReceiptHandle: receiptHandle, MD5OfBody: msg.md5OfBody, Body: msg.body };
      if (msg.md5OfMessageAttributes) received.MD5OfMessageAttributes = msg.md5OfMessageAttributes;
      if (Object.keys(msg.messageAttributes).length > 0) received.MessageAttributes = msg.messageAttributes;
      result.push(received);
      this.fifoLockedGroups.set(groupId, (this.fifoLockedGroups.get(groupId) ?? 0) + 1);
    }
    if (groupMsgs.length === 0) this.fifoMessages.delete(groupId);
  }
  return result;
};

// Several messages of a group in flight come back one by one (each to the front of its group): put
// each group back in sequence order afterwards, so a failed batch is redelivered in the order it was sent.
const bySequence = (a, b) => (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? '');
for (const name of ['processTimers', 'changeVisibility']) {
  const original = SqsQueue.prototype[name];
  SqsQueue.prototype[name] = function inSequence(...args) {
    const result = original.apply(this, args);
    if (this.isFifo()) for (const group of this.fifoMessages.values()) if (group.length > 1) group.sort(bySequence);
    return result;
  };
}

const app = buildApp({ logger: false });
await app.listen({ port: Number(process.env.FAUXQS_PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`FAUXQS_READY ${app.server.address().port}\n`);
const stop = () => app.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent closes our stdin when it goes away, even if it dies without a signal.
process.stdin.on('end', stop);
process.stdin.resume();
