import type { ConsentEvent, Conversation, OutboundMessage } from './audience';
import { CarrierError, type Carrier, type Clock, type ConversationStore, type MessageLog } from './ports';

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
  store: Pick<ConversationStore, 'load' | 'recordOptOuts'>;
  carrier: Carrier;
  log: MessageLog;
  clock: Clock;
  statusCallback?: string;
}

export type SendResult = 'sent' | 'blocked' | 'opted-out' | 'rejected';

export async function sendMessage(message: OutboundMessage, deps: SendMessageDeps): Promise<SendResult> {
  const conversation = await deps.store.load(message.to);
  if (!mayReceive(message, conversation)) return 'blocked';
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
