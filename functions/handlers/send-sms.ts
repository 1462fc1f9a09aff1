import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { catalogSource, conversationStore, deliveries, linkStore, scheduledSends } from '../adapters/dependencies';
import { readingTogether } from '../adapters/dynamo-conversation-store';
import { outbox } from '../adapters/queue-dependencies';
import { countUncertainSend } from '../adapters/metered';
import { carrier, statusCallbackUrl } from '../adapters/twilio-dependencies';
import { DEFAULT_CARRIER_TIMEOUT_MS } from '../adapters/twilio-client';
import { twilioCredentials } from '../adapters/twilio-credentials';
import { maskPhone } from '../domain/phone-masking';
import type { OutboundMessage } from '../domain/audience';
import type { Carrier } from '../domain/ports';
import { sendMessage, sendTurnReplies, type SendMessageDeps, type SendResult, type Settled } from '../domain/send-message';
import type { DomainEvent } from '../domain/events';
import { messageOutcomeEvent, outcomeOfSend } from '../domain/message-outcomes';
import { eventPublisher } from '../adapters/event-dependencies';
import { DEFAULT_LINK_TTL_DAYS, shortLinkKey } from '../domain/short-links';
import { outboundQueueMessage } from '../schemas/queue-messages';
import { clock } from '../shared/clock';
import { createPacer } from '../shared/pacer';
import { senderPaceFromEnv } from '../shared/sender-pace';
import { logger } from '../shared/logger';
import { metricsMiddleware } from '../shared/metrics';
import { processFifoBatch, retrySoon } from './fifo-batch';
import { parseQueueRecord } from './queue-records';

const carrierTimeoutMs = Number(process.env.CARRIER_TIMEOUT_MS ?? DEFAULT_CARRIER_TIMEOUT_MS);
/** At worst one record looks its message up at the carrier, sends it, and writes twice. */
const RECORD_RESERVE_MS = 2 * carrierTimeoutMs + 2_000;
/** This instance's share of the short code's rate; it lives as long as the container, across batches. */
let pace = { perInstance: Number.NaN, pacer: createPacer({ segmentsPerSecond: 1 }) };
function pacer() {
  // Read per batch, so a local run (or the bench) that changes SENDER_MPS is followed at once.
  const { perInstance } = senderPaceFromEnv();
  if (perInstance !== pace.perInstance) pace = { perInstance, pacer: createPacer({ segmentsPerSecond: perInstance }) };
  return pace.pacer;
}

type Entry = { id: string; message: OutboundMessage };

/**
 * Short links when the stage has a link base (LINK_BASE): ids keyed by the carrier's auth token (a
 * rotation changes the links only of texts not sent yet), working LINK_TTL_DAYS (default 90).
 */
function shortLinks(authToken: string): SendMessageDeps['links'] {
  const base = process.env.LINK_BASE?.replace(/\/+$/, '');
  if (!base) return undefined;
  const ttlDays = Number(process.env.LINK_TTL_DAYS ?? DEFAULT_LINK_TTL_DAYS);
  if (!Number.isInteger(ttlDays) || ttlDays < 1) throw new RangeError(`LINK_TTL_DAYS must be a whole number of days, at least 1, got "${process.env.LINK_TTL_DAYS}"`);
  return { settings: { base, key: shortLinkKey(authToken), ttlDays }, store: linkStore() };
}

function sendDeps(carrierClient: Carrier, authToken: string): SendMessageDeps {
  const callback = statusCallbackUrl();
  const links = shortLinks(authToken);
  return {
    deliveries: deliveries(),
    store: readingTogether(conversationStore()),
    catalog: catalogSource(),
    scheduled: scheduledSends(),
    outbox: outbox(),
    carrier: carrierClient,
    pace: pacer(),
    clock,
    carrierTimeoutMs,
    ...(callback ? { statusCallback: callback } : {}),
    onUncertain: countUncertainSend,
    ...(links ? { links } : {}),
  };
}

function entryOf(record: SQSRecord): Entry | undefined {
  const parsed = parseQueueRecord(record, outboundQueueMessage);
  if (!parsed) return undefined;
  const { id, queuedAt: _queuedAt, ...message } = parsed;
  return { id, message };
}

const logResult = ({ id, message }: Entry, result: string) => logger.info('Outbound message', { id, to: maskPhone(message.to), purpose: message.purpose, result });

/** Publishes what became of the batch's messages (MessageOutcome); a failure is logged, never a reason to send again. */
async function publishOutcomes(events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await eventPublisher().publish(events);
  } catch (error) {
    logger.error('Message outcomes not published: the funnel report misses them', { count: events.length, error: (error as Error).message });
  }
}

/**
 * One batch's records, each sent once; a conversation turn's replies that follow each other in a
 * recipient's group (the welcome and the ZIP question) are sent together by the first one's turn
 * (one claim and one record for all of them: sendTurnReplies), as many as the time left allows; the
 * others then only report their own result, in order.
 */
class BatchSender {
  private readonly settled = new Map<SQSRecord, Promise<Settled>>();
  private readonly groups = new Map<string, SQSRecord[]>();
  private deps?: Promise<SendMessageDeps>;
  /** What became of each message this batch settled, for the funnel report. */
  readonly outcomes: DomainEvent[] = [];

  constructor(
    records: SQSRecord[],
    private readonly context: Pick<Context, 'getRemainingTimeInMillis'>,
  ) {
    for (const record of records) {
      const group = record.attributes.MessageGroupId;
      if (group) this.groups.set(group, [...(this.groups.get(group) ?? []), record]);
    }
  }

  async send(record: SQSRecord): Promise<void> {
    const settled = await (this.settled.get(record) ?? this.start(record));
    if ('error' in settled) throw settled.error;
  }

  private async start(record: SQSRecord): Promise<Settled> {
    const entry = entryOf(record);
    if (!entry) return { result: 'rejected' };
    const run = entry.message.turn ? this.turnRepliesFrom(record) : [];
    // One set of ports (and one read of the pace) for the whole batch.
    this.deps ??= Promise.all([carrier(), twilioCredentials()]).then(([client, { authToken }]) => sendDeps(client, authToken));
    const deps = await this.deps;
    if (run.length < 2) {
      const result = await sendMessage(entry.id, entry.message, deps);
      this.settle(entry, result);
      return { result };
    }
    const outcomes = sendTurnReplies(run.map(({ entry: e }) => e), deps);
    run.forEach(({ record: member, entry: e }, index) =>
      this.settled.set(
        member,
        outcomes.then((all) => {
          const settled = all[index]!;
          if ('result' in settled) this.settle(e, settled.result);
          return settled;
        }),
      ),
    );
    return this.settled.get(record)!;
  }

  private settle(entry: Entry, result: SendResult): void {
    logResult(entry, result);
    const outcome = outcomeOfSend(result);
    if (outcome) this.outcomes.push(messageOutcomeEvent(entry.id, entry.message, outcome, clock.now()));
  }

  /** This record and the turn replies right after it in its group, as many as the time left allows. */
  private turnRepliesFrom(record: SQSRecord): { record: SQSRecord; entry: Entry }[] {
    const group = this.groups.get(record.attributes.MessageGroupId ?? '') ?? [record];
    // Claimed fresh, none needs a look-up at the carrier: each takes at most one carrier call, and the
    // run two writes besides.
    const fits = Math.max(1, Math.floor((this.context.getRemainingTimeInMillis() - 2_000) / (carrierTimeoutMs + 1_000)));
    const run: { record: SQSRecord; entry: Entry }[] = [];
    for (const member of group.slice(group.indexOf(record))) {
      const entry = entryOf(member);
      if (!entry?.message.turn || run.length >= fits) break;
      run.push({ record: member, entry });
    }
    return run;
  }
}

/**
 * Exactly once per message id: message groups (recipients) side by side, each in order; a carrier
 * call has its own timeout well inside the function's, so one slow call fails only its own message
 * (and its group's later ones). Failed records come back after a short, growing delay.
 */
const sendSms = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const batch = new BatchSender(event.Records, context);
  const { batchItemFailures, failed } = await processFifoBatch(event, (record) => batch.send(record), {
    context,
    reserveMs: RECORD_RESERVE_MS,
    onError: (record, error) => logger.warn('Outbound message will be retried', { messageId: record.messageId, error: (error as Error).message }),
  });
  await retrySoon(failed, 'OUTBOUND_QUEUE_URL');
  await publishOutcomes(batch.outcomes);
  return { batchItemFailures };
};

export const handler = middy(sendSms).use(injectLambdaContext(logger)).use(metricsMiddleware());
