import type { ConsentEvent, Conversation, OutboundMessage, Subscription } from './audience';
import type { Program } from './catalog';
import { guardMessage } from './marketing-guard';
import { CarrierError, type Carrier, type CatalogSource, type Clock, type ConversationStore, type MessageLog, type ScheduledSends } from './ports';
import { pruneSendLog } from './frequency-caps';
import { askQuestion, questionText, questionToRideAlong } from './profile-questions';

export type CarrierErrorAction = 'retry' | 'opted-out' | 'unreachable' | 'reject';

/** Twilio's errors, read the way COMPLIANCE.md asks. */
export function carrierErrorAction(httpStatus: number, code: number | undefined): CarrierErrorAction {
  if (code === 21610) return 'opted-out';
  if (httpStatus === 429 || httpStatus >= 500) return 'retry';
  if (code !== undefined && [30003, 30005, 30006].includes(code)) return 'unreachable';
  return 'reject';
}

/**
 * The last-moment consent check. An opt-out confirmation and HELP answers go to anyone; everything
 * else needs a live subscription, so messages queued before a STOP never leave.
 */
export function mayReceive(message: OutboundMessage, conversation: Conversation): boolean {
  if (message.purpose === 'opt-out-confirmation' || message.purpose === 'help') return true;
  if (message.programId) {
    return conversation.subscriptions.some((s) => s.programId === message.programId && s.status === 'subscribed');
  }
  return !conversation.subscriptions.some((s) => s.status === 'opted-out');
}

/** Thrown when the carrier asks us to come back later; the queue's visibility timeout retries. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export interface SendMessageDeps {
  store: Pick<ConversationStore, 'load' | 'recordOptOuts' | 'recordMarketingSent' | 'markSurveyAsked'>;
  catalog: CatalogSource;
  scheduled: Pick<ScheduledSends, 'schedule'>;
  carrier: Carrier;
  log: MessageLog;
  clock: Clock;
  statusCallback?: string;
}

export type SendResult = 'sent' | 'blocked' | 'deferred' | 'capped' | 'opted-out' | 'rejected';

/** One outbound message at the last moment: consent, then the guard rails, then the carrier. */
export async function sendMessage(id: string, message: OutboundMessage, deps: SendMessageDeps): Promise<SendResult> {
  const [conversation, catalog] = await Promise.all([deps.store.load(message.to), deps.catalog.load()]);
  if (!mayReceive(message, conversation)) return 'blocked';
  const subscription = conversation.subscriptions.find((s) => s.programId === message.programId);
  const program = catalog.programs.find((p) => p.programId === message.programId);
  const now = deps.clock.now();
  const guard = guardMessage(message, subscription, program, now);
  if (guard.kind === 'defer') {
    await deps.scheduled.schedule([{ id: `${id}:quiet-hours`, dueAt: guard.until.toISOString(), reason: 'quiet-hours', message }]);
    return 'deferred';
  }
  if (guard.kind === 'drop') {
    await deps.log.recordRejected(message, guard.reason, now.toISOString());
    return 'capped';
  }
  const result = await deliver(message, conversation, deps);
  if (result === 'sent' && message.purpose === 'marketing' && subscription && program) {
    await afterMarketing(subscription, program, deps);
  }
  if (result === 'sent' && message.survey && message.programId) {
    await deps.store.markSurveyAsked(message.to, message.programId, { orderId: message.survey.orderId, askedAt: deps.clock.now().toISOString() });
  }
  return result;
}

/** Counts the marketing message and lets the next profile question ride along when it is due. */
async function afterMarketing(subscription: Subscription, program: Program, deps: SendMessageDeps): Promise<void> {
  const at = deps.clock.now().toISOString();
  const counted = { ...subscription, marketingSinceQuestion: subscription.marketingSinceQuestion + 1 };
  const question = questionToRideAlong(counted, program);
  const rideAlong = question ? askQuestion(counted, question, at).pendingQuestion : undefined;
  const sentAt = [...pruneSendLog(subscription.marketingSentAt ?? [], new Date(at)), at];
  const recorded = await deps.store.recordMarketingSent(subscription, { sentAt, ...(rideAlong ? { rideAlong } : {}) });
  if (recorded && question) {
    const message: OutboundMessage = { to: subscription.phone, from: program.shortCode, body: questionText(question), purpose: 'profile-question', programId: program.programId };
    await deliver(message, { phone: { phone: subscription.phone, version: 0 }, subscriptions: [counted] }, deps);
  }
}

async function deliver(message: OutboundMessage, conversation: Conversation, deps: SendMessageDeps): Promise<SendResult> {
  try {
    const sent = await deps.carrier.send(message, deps.statusCallback);
    await deps.log.recordSent(message, sent, deps.clock.now().toISOString());
    return 'sent';
  } catch (error) {
    if (!(error instanceof CarrierError)) throw error;
    const action = carrierErrorAction(error.httpStatus, error.code);
    if (action === 'retry') throw new RetryLater(`carrier asked to retry: ${error.httpStatus} ${error.code ?? ''}`);
    const at = deps.clock.now().toISOString();
    await deps.log.recordRejected(message, `${error.code ?? error.httpStatus}: ${error.message}`, at);
    if (action !== 'opted-out') return 'rejected';
    await deps.store.recordOptOuts(carrierOptOuts(message, conversation, at));
    return 'opted-out';
  }
}

function carrierOptOuts(message: OutboundMessage, conversation: Conversation, at: string): ConsentEvent[] {
  return conversation.subscriptions
    .filter((s) => s.status === 'subscribed')
    .map((s) => ({
      phone: message.to,
      programId: s.programId,
      action: 'opt-out' as const,
      at,
      source: 'carrier' as const,
      shortCode: message.from,
      rawText: 'carrier error 21610: recipient has opted out',
    }));
}
