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
    ...entrantsAfter(conversation, outcome),
  };
}

/** The number's sweepstakes entrant records after an entry (the store writes the changed one, one version up). */
function entrantsAfter(conversation: Conversation, outcome: Outcome): Pick<Conversation, 'entrants'> {
  const changed = outcome.entry?.entrant;
  if (!changed) return conversation.entrants ? { entrants: conversation.entrants } : {};
  const others = (conversation.entrants ?? []).filter((e) => !(e.programId === changed.programId && e.sweepstakesId === changed.sweepstakesId));
  return { entrants: [...others, { ...changed, version: changed.version + 1 }] };
}
