import type { Clock, Outbox, ScheduledSends } from './ports';

/**
 * Hands every send that is due to the outbound queue, where send-sms judges it again at the last
 * moment. Queued first, removed second: a crash in between re-queues it under the same message id,
 * which sending deduplicates. Nothing is too old to be released: the store remembers the oldest
 * hour that may still hold a send.
 */
export async function releaseScheduledSends(deps: { scheduled: ScheduledSends; outbox: Outbox; clock: Clock }): Promise<number> {
  const due = await deps.scheduled.due(deps.clock.now());
  for (const send of due.sends) {
    await deps.outbox.enqueue([send.message], send.id);
    await deps.scheduled.done(send);
  }
  await due.swept();
  return due.sends.length;
}
