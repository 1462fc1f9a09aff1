import type { Clock, Outbox, ScheduledSends } from './ports';

/**
 * How far back the sweep looks for sends left behind by a pause (an outage, or a local clock moved
 * forward by hours): 49 small partition reads a minute, in parallel, cost less than a lost survey.
 */
export const LOOK_BACK_HOURS = 48;

/**
 * Hands every send that is due to the outbound queue, where send-sms judges it again at the last
 * moment. Queued first, removed second: a crash in between re-queues it under the same
 * deduplication id instead of losing it.
 */
export async function releaseScheduledSends(deps: { scheduled: ScheduledSends; outbox: Outbox; clock: Clock }): Promise<number> {
  const due = await deps.scheduled.due(deps.clock.now(), LOOK_BACK_HOURS);
  for (const send of due) {
    await deps.outbox.enqueue([send.message], send.id);
    await deps.scheduled.done(send);
  }
  return due.length;
}
