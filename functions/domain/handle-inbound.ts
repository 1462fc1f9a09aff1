import { converse, type InboundText, type Outcome } from './conversation';
import type { CatalogSource, ConversationStore, EventPublisher, Outbox } from './ports';

export interface HandleInboundDeps {
  catalog: CatalogSource;
  store: ConversationStore;
  outbox: Outbox;
  events: EventPublisher;
}

export type HandledInbound = { duplicate: true } | { duplicate: false; outcome: Outcome };

/**
 * One inbound text, exactly once: state, replies and events are committed together, keyed by
 * MessageSid; a redelivery only re-queues the stored replies (which the FIFO queue deduplicates) and
 * re-publishes the stored events (whose ids let consumers deduplicate).
 */
export async function handleInbound(inbound: InboundText, deps: HandleInboundDeps): Promise<HandledInbound> {
  const earlier = await deps.store.handled(inbound.from, inbound.messageSid);
  if (earlier) {
    await deps.outbox.enqueue(earlier.replies, inbound.messageSid);
    await deps.events.publish(earlier.events);
    return { duplicate: true };
  }
  const [catalog, conversation] = await Promise.all([deps.catalog.load(), deps.store.load(inbound.from)]);
  const outcome = converse(inbound, conversation, catalog);
  await deps.store.commit(inbound, outcome);
  await deps.outbox.enqueue(outcome.replies, inbound.messageSid);
  await deps.events.publish(outcome.events);
  return { duplicate: false, outcome };
}
