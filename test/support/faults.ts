import type { CarrierFault } from '../../lib/local/sandbox-carrier';

/** A small seeded PRNG (mulberry32): a failing fault run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ways a real carrier misbehaves, short of refusing a number: each equally likely when a fault strikes. */
export const TRANSIENT_FAULTS: readonly CarrierFault[] = [
  { kind: 'error', httpStatus: 429, code: 20429, message: 'Too Many Requests' },
  { kind: 'error', httpStatus: 500, code: 20500, message: 'Internal Server Error' },
  { kind: 'error', httpStatus: 503, code: 20503, message: 'Service Unavailable' },
  // No answer at all, before or after the carrier took the message: only a lookup can tell.
  { kind: 'hang', accepted: false },
  { kind: 'hang', accepted: true },
  { kind: 'reset', accepted: false },
  { kind: 'reset', accepted: true },
];

export const STOPPED_AT_CARRIER: CarrierFault = { kind: 'error', httpStatus: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' };

/**
 * A carrier that fails `rate` of all requests with a transient fault, and always answers 21610 for
 * the numbers that stopped at the carrier.
 */
export function faultPlan(options: { rate: number; seed: number; stoppedAtCarrier: ReadonlySet<string> }): (request: { to: string }) => CarrierFault | undefined {
  const random = seededRandom(options.seed);
  return ({ to }) => {
    if (options.stoppedAtCarrier.has(to)) return STOPPED_AT_CARRIER;
    if (random() >= options.rate) return undefined;
    return TRANSIENT_FAULTS[Math.floor(random() * TRANSIENT_FAULTS.length)];
  };
}

/** Bodies that reached a number more than once (each a text the subscriber got twice). */
export function duplicates(bodies: string[]): string[] {
  const seen = new Map<string, number>();
  for (const body of bodies) seen.set(body, (seen.get(body) ?? 0) + 1);
  return [...seen.entries()].flatMap(([body, count]) => Array<string>(count - 1).fill(body));
}
