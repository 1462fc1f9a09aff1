import type { OutboundMessage } from './audience';
import type { DomainEvent, MessageOutcome } from './events';
import type { SendResult } from './send-message';

/** What a send's result tells the funnel; undefined for a redelivery of a message already settled. */
export function outcomeOfSend(result: SendResult): MessageOutcome | undefined {
  switch (result) {
    case 'sent':
    case 'recovered':
      return 'sent';
    case 'duplicate':
      return undefined;
    default:
      return result;
  }
}

/** What a carrier's final status tells the funnel: delivered, failed, or nothing yet (queued, sent…). */
export function outcomeOfStatus(status: string): MessageOutcome | undefined {
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'failed' || status === 'undelivered') return 'failed';
  return undefined;
}

/** One outbound message's outcome, its id stable per message and outcome (a redelivery counts once). */
export function messageOutcomeEvent(id: string, message: Pick<OutboundMessage, 'to' | 'programId' | 'purpose' | 'source'>, outcome: MessageOutcome, at: Date): DomainEvent {
  return {
    type: 'MessageOutcome',
    id: `message:${id}:${outcome}`,
    at: at.toISOString(),
    detail: {
      phone: message.to,
      ...(message.programId ? { programId: message.programId } : {}),
      messageId: id,
      purpose: message.purpose,
      outcome,
      ...(message.source ? { source: message.source } : {}),
    },
  };
}
