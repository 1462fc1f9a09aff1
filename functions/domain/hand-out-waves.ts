import type { AudienceIndex, CatalogSource, Clock, CouponStore, EventPublisher, Outbox, PageQueue, Random, Waves } from './ports';

/** What one page of a fan-out (a lunch wave's, a campaign's) works with. */
export interface PageDeps<P> {
  catalog: CatalogSource;
  audience: AudienceIndex;
  coupons: CouponStore;
  random: Random;
  outbox: Outbox;
  events: EventPublisher;
  /** Where the next page is handed on. */
  pages: PageQueue<P>;
  clock: Clock;
  pageSize: number;
  /** Subscribers issued at once (default ISSUE_CONCURRENCY). */
  concurrency?: number;
}

/**
 * Hands out the first pages of the waves that are due and not started yet: for each, one page chain
 * per shard of the zone's audience (chains that run side by side) plus one for subscriptions filed
 * before zones had shards. Queued first, recorded after: a crash in between hands the wave out again
 * at the next tick (each recipient's send is idempotent), never leaves it without its wave.
 */
export async function handOutWaves<P extends { shard?: number }>(due: P[], deps: { pages: PageQueue<P>; waves: Waves<P>; shards: number }, at: Date): Promise<P[]> {
  const waves = await deps.waves.unstarted(due);
  const chains = waves.flatMap((page) => [page, ...Array.from({ length: deps.shards }, (_, shard) => ({ ...page, shard }))]);
  await deps.pages.send(chains);
  await deps.waves.markStarted(waves, at);
  return chains;
}
