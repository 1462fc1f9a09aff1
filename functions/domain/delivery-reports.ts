import { carrierOptOuts } from './send-message';
import { messageOutcomeEvent, outcomeOfStatus } from './message-outcomes';
import type { Clock, ConversationStore, EventPublisher, MessageLog } from './ports';

/** A carrier's delivery report, in neutral words: `stopped` when the recipient has opted out at the carrier. */
export interface DeliveryReport {
  to: string;
  from?: string;
  sid: string;
  /** The outbound message's id, when the report names it. */
  deliveryId?: string;
  status: string;
  errorCode?: number;
  /** The carrier says the recipient stopped messages from us (Twilio 21610). */
  stopped: boolean;
}

/**
 * Records the status on the message's record; a report that the recipient stopped at the carrier
 * ends every live subscription of the number, exactly as a refusal at send time would.
 */
export async function recordDeliveryReport(
  report: DeliveryReport,
  deps: { log: MessageLog; store: Pick<ConversationStore, 'load' | 'recordOptOuts'>; clock: Clock; events: EventPublisher },
): Promise<{ optedOut: number }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const recorded = await deps.log.recordStatus({
    to: report.to,
    sid: report.sid,
    ...(report.deliveryId ? { deliveryId: report.deliveryId } : {}),
    status: report.status,
    ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
    at,
  });
  // Delivered or failed, once per message (a repeated callback is no news on the record, and the event id is stable).
  const outcome = recorded && outcomeOfStatus(report.status);
  if (recorded && outcome) await deps.events.publish([messageOutcomeEvent(recorded.id, recorded.message, outcome, now)]);
  if (!report.stopped) return { optedOut: 0 };
  const optOuts = carrierOptOuts(report.to, report.from ?? '', await deps.store.load(report.to), at);
  await deps.store.recordOptOuts(optOuts);
  await deps.events.publish(
    optOuts.map((optOut) => ({
      type: 'SubscriberOptedOut' as const,
      id: `${report.sid}:SubscriberOptedOut:${optOut.programId}`,
      at,
      detail: { phone: optOut.phone, programId: optOut.programId, shortCode: optOut.shortCode, source: 'carrier' },
    })),
  );
  return { optedOut: optOuts.length };
}
