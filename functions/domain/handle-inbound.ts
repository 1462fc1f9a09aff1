import { converse, type InboundText, type Outcome } from './conversation';
import type { CatalogSource, ConversationStore, Outbox } from './ports';

export interface HandleInboundDeps {
  catalog: CatalogSource;
  store: ConversationStore;
  outbox: Outbox;
}

export type HandledInbound = { duplicate: true } | { duplicate: false; outcome: Outcome };

/**
 * One inbound text, exactly once: state and the replies it produced are committed together, keyed by
 * MessageSid; a redelivery only re-queues the stored replies (which the FIFO queue deduplicates).
 */
export async function handleInbound(inbound: InboundText, deps: HandleInboundDeps): Promise<HandledInbound> {
  const earlier = await deps.store.repliesFor(inbound.from, inbound.messageSid);
  if (earlier) {
    await deps.outbox.enqueue(earlier, inbound.messageSid);
    return { duplicate: true };
  }
  const [catalog, conversation] = await Promise.all([deps.catalog.load(), deps.store.load(inbound.from)]);
  const outcome = converse(inbound, conversation, catalog);
  await deps.store.commit(inbound, outcome);
  await deps.outbox.enqueue(outcome.replies, inbound.messageSid);
  return { duplicate: false, outcome };
}
