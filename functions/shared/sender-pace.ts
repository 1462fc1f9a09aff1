import { numberFromEnv } from './env';

/**
 * The short code's pace: how many segments per second the carrier may be handed, and how that rate is
 * split between the send-sms invocations that run at the same time.
 *
 * No shared counter: the outbound queue's event source starts at most `senderInstances(mps)`
 * invocations at once (its maximum concurrency), and each instance paces itself to its share. The sum
 * of the shares never exceeds the rate, so the rate holds across invocations without a request per
 * message (a DynamoDB token bucket would add one write, its latency and a hot key to every text).
 */

/** Where send-sms reads its pace: set from the stage config in AWS, from the local gateway locally. */
export const SENDER_PACE_ENV = { mps: 'SENDER_MPS', instances: 'SENDER_INSTANCES' } as const;

/** A US short code's usual provisioned throughput, in segments per second. */
export const DEFAULT_SENDER_MPS = 100;

/**
 * What one send-sms invocation keeps up with: it works a batch of ten recipients side by side, each
 * send a claim, a carrier call and a record (~200–300 ms in AWS), so ~30 segments/s at best; 25
 * leaves headroom for a slow carrier answer.
 */
export const SEGMENTS_PER_INVOCATION = 25;

/** An SQS event source's maximum concurrency must be 2–1000. */
const MIN_INSTANCES = 2;
const MAX_INSTANCES = 1000;

/** Invocations needed to keep `mps` segments/s: the outbound event source's maximum concurrency. */
export function senderInstances(mps: number): number {
  return Math.min(MAX_INSTANCES, Math.max(MIN_INSTANCES, Math.ceil(mps / SEGMENTS_PER_INVOCATION)));
}

/** The share of the rate kept in reserve for timing jitter between the pacer and the carrier. */
export const JITTER_RESERVE = 0.03;

/**
 * One instance's share of `mps`, in segments per second. An instance spaces its sends evenly, so any
 * 1-second window holds at most ceil(share) single-segment messages (a message of n segments that
 * closes the window can add n − 1: the burst allowance). The share is 3% under an even split, which
 * absorbs timing jitter (a call that leaves a few ms late after one that left on time), and never
 * above a whole number of messages per second, so the instances' windows together never exceed
 * `mps` as the carrier sees it. At 100/s and 4 instances: 24.25 each, 97 in all.
 */
export function segmentsPerInstance(mps: number, instances: number): number {
  return Math.min(((1 - JITTER_RESERVE) * mps) / instances, Math.max(1, Math.floor(mps / instances)));
}

export interface SenderPace {
  mps: number;
  instances: number;
  perInstance: number;
}

/** The pace from the environment; a malformed value fails at cold start, naming the variable. */
export function senderPaceFromEnv(env: NodeJS.ProcessEnv = process.env): SenderPace {
  const mps = numberFromEnv(env, SENDER_PACE_ENV.mps, DEFAULT_SENDER_MPS, { whole: false, min: 1 });
  const instances = Math.floor(numberFromEnv(env, SENDER_PACE_ENV.instances, senderInstances(mps), { whole: false, min: 1 }));
  return { mps, instances, perInstance: segmentsPerInstance(mps, instances) };
}
