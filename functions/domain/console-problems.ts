/**
 * What needs a person, as the console shows it: POS events rejected with their reason, and messages
 * a queue gave up on (dead-lettered) with why. Pure: messages as a queue showed them (without taking
 * them) in, the view out; every phone number masked.
 */
import { maskPhonesIn } from './phone-masking';

/** A message as a look at a queue shows it (SQS's fields, read without consuming it). */
export interface PeekedMessage {
  id: string;
  body: string;
  /** Message attributes that are strings (a rejected event's `reason`). */
  attributes: Record<string, string>;
  /** When it was first put on a queue, and first received (ISO), as SQS says. */
  sentAt?: string;
  firstReceivedAt?: string;
  /** Receives so far, this look included. */
  receiveCount: number;
}

/** What a look at one queue found: up to a page of messages and SQS's approximate count. */
export interface QueueLook {
  approximateCount: number;
  messages: PeekedMessage[];
}

export interface RejectedEventView {
  id: string;
  sentAt?: string;
  reason: string;
  /** The event as it came (numbers masked): source, detail-type and detail. */
  event: unknown;
  /** Where it is now: the rejected-events queue, or its dead-letter queue after enough looks. */
  where: 'queue' | 'dead-letter queue';
}

export interface DeadLetterView {
  id: string;
  sentAt?: string;
  firstReceivedAt?: string;
  receiveCount: number;
  reason: string;
  /** The message as it was queued, numbers masked. */
  body: string;
}

export interface DeadLetterQueueView {
  queue: string;
  deadLetterQueue: string;
  approximateCount: number;
  messages: DeadLetterView[];
}

export interface ProblemsView {
  rejectedEvents: { approximateCount: number; events: RejectedEventView[] };
  deadLetters: DeadLetterQueueView[];
}

/** What the topology says about a queue: who consumes it, and after how many receives SQS gives up. */
export interface QueueFacts {
  queue: string;
  deadLetterQueue: string;
  consumer?: string;
  maxReceiveCount: number;
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The reason a rejected event carries: in its body (`{ reason, event }`), else its `reason` attribute. */
function rejection(message: PeekedMessage): { reason?: string; event: unknown } {
  const body = parsed(message.body) as { reason?: unknown; event?: unknown } | undefined;
  const reason = typeof body?.reason === 'string' ? body.reason : message.attributes.reason;
  return { ...(reason ? { reason } : {}), event: body && typeof body === 'object' && 'event' in body ? body.event : message.body };
}

const masked = (value: unknown): unknown => (value === undefined ? undefined : (JSON.parse(maskPhonesIn(JSON.stringify(value))) as unknown));

export function rejectedEventView(message: PeekedMessage, where: RejectedEventView['where']): RejectedEventView {
  const { reason, event } = rejection(message);
  return {
    id: message.id,
    ...(message.sentAt ? { sentAt: message.sentAt } : {}),
    reason: maskPhonesIn(reason ?? 'no reason recorded'),
    event: masked(event),
    where,
  };
}

/** Why a message is on a dead-letter queue: its own reason when it carries one (a rejected event), else what SQS did. */
export function deadLetterReason(message: PeekedMessage, facts: QueueFacts): string {
  const { reason } = rejection(message);
  if (reason) return `${reason} (left on ${facts.queue} for ${facts.maxReceiveCount} receives, then moved here)`;
  const redrive = `\`npm run dlq -- redrive ${facts.queue}\` sends it back`;
  if (!facts.consumer) return `it was received ${facts.maxReceiveCount} times on ${facts.queue}, so SQS moved it here (${redrive})`;
  return `${facts.consumer} failed it ${facts.maxReceiveCount} times on ${facts.queue}, so SQS moved it here (each failure is in that function's log; ${redrive})`;
}

export function deadLetterView(message: PeekedMessage, facts: QueueFacts): DeadLetterView {
  return {
    id: message.id,
    ...(message.sentAt ? { sentAt: message.sentAt } : {}),
    ...(message.firstReceivedAt ? { firstReceivedAt: message.firstReceivedAt } : {}),
    receiveCount: message.receiveCount,
    reason: maskPhonesIn(deadLetterReason(message, facts)),
    body: maskPhonesIn(message.body),
  };
}

const oldestFirst = <T extends { sentAt?: string }>(a: T, b: T) => (a.sentAt ?? '').localeCompare(b.sentAt ?? '');

/**
 * The console's problems. A rejected event looked at `maxReceiveCount` times moves to the
 * rejected-events dead-letter queue (SQS counts every look as a receive): it is listed with the
 * rejected events all the same, marked where it is.
 */
export function problemsView(
  rejected: { queue: QueueLook; deadLetters: QueueLook },
  deadLetters: { facts: QueueFacts; look: QueueLook }[],
): ProblemsView {
  const events = [
    ...rejected.queue.messages.map((message) => rejectedEventView(message, 'queue')),
    ...rejected.deadLetters.messages.map((message) => rejectedEventView(message, 'dead-letter queue')),
  ].sort(oldestFirst);
  return {
    rejectedEvents: { approximateCount: rejected.queue.approximateCount + rejected.deadLetters.approximateCount, events },
    deadLetters: deadLetters.map(({ facts, look }) => ({
      queue: facts.queue,
      deadLetterQueue: facts.deadLetterQueue,
      approximateCount: look.approximateCount,
      messages: look.messages.map((message) => deadLetterView(message, facts)).sort(oldestFirst),
    })),
  };
}
