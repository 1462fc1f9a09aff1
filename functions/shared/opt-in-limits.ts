import { numberFromEnv } from './env';

/** A short code's opt-in ceiling: opt-ins it takes per UTC minute and per UTC day. */
export interface OptInLimits {
  perMinute: number;
  perDay: number;
}

/** Where the converse function reads the ceiling: set from the stage config in AWS, optional locally. */
export const OPT_IN_LIMIT_ENV = { perMinute: 'OPT_INS_PER_MINUTE', perDay: 'OPT_INS_PER_DAY' } as const;

/**
 * Without the variables (the local gateway, whose sandbox carrier costs nothing): generous enough for
 * `npm run bench`'s burst of 100 new numbers; set them lower to watch the ceiling work.
 */
export const DEFAULT_OPT_IN_LIMITS: OptInLimits = { perMinute: 300, perDay: 20_000 };

/** The ceiling from the environment; a malformed value fails at cold start, naming the variable. */
export function optInLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): OptInLimits {
  const read = (key: keyof OptInLimits) => numberFromEnv(env, OPT_IN_LIMIT_ENV[key], DEFAULT_OPT_IN_LIMITS[key], { whole: true, min: 1 });
  return { perMinute: read('perMinute'), perDay: read('perDay') };
}
