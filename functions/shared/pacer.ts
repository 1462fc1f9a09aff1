import type { Pace } from '../domain/ports';

export interface PacerOptions {
  /** Segments per second per sending number. */
  segmentsPerSecond: number;
  /** Real time in ms (never the local runtime's settable clock). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Even spacing per sending number: a message of n segments starts no earlier than n intervals after
 * the previous message's start. Slots are handed out synchronously in call order, so concurrent
 * senders in one instance queue behind each other instead of racing; an idle number starts at once.
 * Time not used while idle is not saved up, so there is never a burst beyond the message at hand.
 */
export function createPacer(options: PacerOptions): Pace {
  const interval = 1000 / options.segmentsPerSecond;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? realSleep;
  const nextStart = new Map<string, number>();
  return {
    async take(from, segments) {
      const at = now();
      const start = Math.max(at, nextStart.get(from) ?? at);
      nextStart.set(from, start + Math.max(1, segments) * interval);
      if (start > at) await sleep(start - at);
    },
  };
}
