import type { Conversation } from '../../functions/domain/audience';
import type { Outcome } from '../../functions/domain/conversation';

/**
 * What the DynamoDB adapter does with an outcome, for pure tests that chain texts: changed
 * subscriptions and the phone record replace the stored ones (and any placeholder of parked
 * purchases at their keys), one version up.
 */
export function applyOutcome(conversation: Conversation, outcome: Outcome): Conversation {
  const changed = new Map(outcome.subscriptions.map((s) => [s.programId, { ...s, version: s.version + 1 }]));
  const placeholders = (conversation.placeholders ?? []).filter((p) => !changed.has(p.programId));
  return {
    phone: outcome.phone ? { ...outcome.phone, version: outcome.phone.version + 1 } : conversation.phone,
    subscriptions: [...conversation.subscriptions.filter((s) => !changed.has(s.programId)), ...changed.values()],
    ...(placeholders.length ? { placeholders } : {}),
  };
}
