import { SqsOutbox } from '../functions/adapters/sqs-queues';
import { SENDER_PACE_ENV, senderPaceFromEnv } from '../functions/shared/sender-pace';
import type { CarrierAttempt } from '../lib/local/sandbox-carrier';
import { swallowOutput, type BenchGateway } from './bench-gateway';
import type { Deadline } from './deadline';

/** Messages for the unpaced run that finds how fast the local stand-ins can send at all. */
const CEILING_MESSAGES = 600;
/** A rate the stand-ins carry with room to spare, as a share of their ceiling. */
const SAFE_SHARE_OF_CEILING = 0.6;

export interface PaceRun {
  /** The rate the sender was set to (SENDER_MPS for the run). */
  mps: number;
  messages: number;
  /** First to last message the carrier accepted: the whole time work was queued. */
  elapsedMs: number;
  /** Messages (one segment each) per second over that time. */
  sustained: number;
  /** The most messages the carrier saw in any 1-second window. */
  busiestSecond: number;
}

export interface SenderRateReport {
  /** SENDER_MPS as configured. */
  configuredMps: number;
  /** Baseline: the same work unpaced, i.e. what the local stand-ins (DynamoDB Local, fauxqs) carry. */
  ceiling: PaceRun;
  /** The paced run: at SENDER_MPS, or at a rate the stand-ins carry when SENDER_MPS is beyond them. */
  paced: PaceRun;
  /** Why the paced run is not at SENDER_MPS, when it is not. */
  note?: string;
}

/** The most timestamps (ms, sorted) in any window [t, t + 1000). */
export function busiestSecond(times: number[]): number {
  let best = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= 1000) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/**
 * The sender's pace as the carrier sees it. One-segment messages to as many numbers are queued at
 * once on the local gateway's outbound queue and the sandbox carrier's clock records when each create
 * request arrived. Every message is a HELP answer, which goes to anyone, so send-sms does its whole
 * job (claim, consent, pace, carrier, record) with no subscriber to set up.
 *
 * First unpaced, to learn what the stand-ins carry on this machine; then paced at SENDER_MPS for
 * `seconds`. The pacer's arithmetic does not depend on the rate, so when SENDER_MPS is beyond the
 * stand-ins (DynamoDB Local in Java on a busy laptop), the paced run uses a rate they do carry and
 * says so, instead of measuring the laptop.
 */
export async function measureSenderRate(options: { seconds: number; deadline: Deadline }, bench: BenchGateway): Promise<SenderRateReport> {
  const { deadline } = options;
  const { gateway, carrier } = bench;
  const configuredMps = senderPaceFromEnv().mps;
  const configured = process.env[SENDER_PACE_ENV.mps];
  const restoreOutput = swallowOutput();
  try {
    const outbox = new SqsOutbox(bench.sqs, gateway.queues.outbound, () => new Date());
    let sent = 0;

    const run = async (mps: number, messages: number): Promise<PaceRun> => {
      // send-sms reads its pace per batch, so the next batch already follows the new rate.
      process.env[SENDER_PACE_ENV.mps] = String(mps);
      await carrier.clear();
      const entries = Array.from({ length: messages }, (_, i) => ({
        id: `bench-rate-${sent + i}`,
        message: { to: `+1555${String(7_000_000 + sent + i)}`, from: '55155', body: 'Krusty Burger: text STOP to end, HELP for help.', purpose: 'help' as const },
      }));
      sent += messages;
      await deadline.race(outbox.enqueueEach(entries), `queueing ${messages} messages`);
      await deadline.until(async () => (await carrier.count()) >= messages, `${messages} messages at the carrier (${mps}/s)`);
      return paceOf(await carrier.attempts(), mps, messages);
    };

    const ceiling = await run(100_000, CEILING_MESSAGES);
    const carried = ceiling.sustained;
    // The stand-ins must not be what limits the paced run, nor stall the process that times it.
    const safe = Math.max(1, Math.floor(carried * SAFE_SHARE_OF_CEILING));
    if (safe >= configuredMps) return { configuredMps, ceiling, paced: await run(configuredMps, Math.round(configuredMps * options.seconds)) };
    const note = `SENDER_MPS ${configuredMps} is beyond what the local stand-ins carry here with room to spare (${carried.toFixed(0)}/s unpaced): paced at ${safe}/s instead`;
    return { configuredMps, ceiling, paced: await run(safe, Math.round(safe * options.seconds)), note };
  } finally {
    if (configured === undefined) delete process.env[SENDER_PACE_ENV.mps];
    else process.env[SENDER_PACE_ENV.mps] = configured;
    restoreOutput();
  }
}

function paceOf(attempts: CarrierAttempt[], mps: number, messages: number): PaceRun {
  const times = attempts.map((attempt) => Date.parse(attempt.time)).sort((a, b) => a - b);
  const elapsedMs = times[times.length - 1]! - times[0]!;
  return { mps, messages, elapsedMs, sustained: ((times.length - 1) * 1000) / Math.max(1, elapsedMs), busiestSecond: busiestSecond(times) };
}
