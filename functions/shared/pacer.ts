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
 * Even spacing per sending number: a message of n segments goes no earlier than n intervals after
 * the previous message of the same number actually went. Callers queue in call order, and each
 * interval is counted from when the previous one really left, not from when it was planned to: a
 * process that stalls (a busy CPU, a long garbage collection) sends its waiting messages one interval
 * apart afterwards instead of all at once. Time not used while idle is not saved up, so there is
 * never a burst beyond the message at hand; an idle number sends at once.
 */
export function createPacer(options: PacerOptions): Pace {
  const interval = 1000 / options.segmentsPerSecond;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? realSleep;
  const queues = new Map<string, Promise<void>>();
  const earliest = new Map<string, number>();
  return {
    take(from, segments) {
      const turn = (queues.get(from) ?? Promise.resolve()).then(async () => {
        const wait = (earliest.get(from) ?? 0) - now();
        if (wait > 0) await sleep(wait);
        earliest.set(from, now() + Math.max(1, segments) * interval);
      });
      queues.set(from, turn);
      return turn;
    },
  };
}
