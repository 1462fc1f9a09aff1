import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqsOutbox } from '../functions/adapters/sqs-queues';
import { senderPaceFromEnv } from '../functions/shared/sender-pace';
import { startLocalGateway } from '../lib/local/gateway';
import { startSandboxCarrier } from '../lib/local/sandbox-carrier';
import { localCredentials } from '../lib/local/sqs-local';
import type { Deadline } from './deadline';
import { swallowOutput } from './throughput';

const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const AUTH_TOKEN = 'bench-auth-token';

export interface SenderRateReport {
  /** SENDER_MPS the gateway ran with. */
  mps: number;
  messages: number;
  /** First to last message the carrier accepted: the whole time work was queued. */
  elapsedMs: number;
  /** Messages (one segment each) per second over that time. */
  sustained: number;
  /** The most messages the carrier saw in any 1-second window. */
  busiestSecond: number;
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
 * The sender's pace as the carrier sees it: `seconds` × SENDER_MPS one-segment messages to as many
 * numbers are queued at once on the local gateway's outbound queue, and the sandbox carrier's clock
 * records when each create request arrived. Every message is a HELP answer, which goes to anyone, so
 * send-sms does its whole job (claim, consent, pace, carrier, record) with no subscriber to set up.
 */
export async function measureSenderRate(options: { seconds: number; deadline: Deadline }): Promise<SenderRateReport> {
  const { deadline } = options;
  const mps = senderPaceFromEnv().mps;
  const messages = Math.round(mps * options.seconds);
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-bench-rate-'));
  const restoreOutput = swallowOutput();
  const cleanups: (() => Promise<unknown>)[] = [async () => restoreOutput(), async () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const carrierStarting = startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false, now: () => new Date() });
    cleanups.push(() => carrierStarting.then((c) => c.close(), () => undefined));
    const carrier = await deadline.race(carrierStarting, 'sandbox carrier start');
    const gatewayStarting = startLocalGateway({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, twilioApiUrl: carrier.url, dataDir, scheduler: false, logLevel: 'SILENT' });
    cleanups.push(() => gatewayStarting.then((g) => g.stop(), () => undefined));
    const gateway = await deadline.race(gatewayStarting, 'local gateway start');
    const sqs = new SQSClient({ endpoint: gateway.sqsEndpoint, region: 'us-east-1', credentials: localCredentials });
    cleanups.push(async () => sqs.destroy());
    const outbox = new SqsOutbox(sqs, gateway.queues.outbound, () => new Date());
    const entries = Array.from({ length: messages }, (_, i) => ({
      id: `bench-rate-${i}`,
      message: { to: `+1555${String(7_000_000 + i)}`, from: '55155', body: 'Krusty Burger: text STOP to end, HELP for help.', purpose: 'help' as const },
    }));
    await deadline.race(outbox.enqueueEach(entries), `queueing ${messages} messages`);
    await deadline.until(() => carrier.outbox().length >= messages, `${messages} messages at the carrier`);
    const times = carrier.attempts().map((attempt) => Date.parse(attempt.time)).sort((a, b) => a - b);
    const elapsedMs = times[times.length - 1]! - times[0]!;
    return { mps, messages, elapsedMs, sustained: ((times.length - 1) * 1000) / elapsedMs, busiestSecond: busiestSecond(times) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('[bench] cleanup failed:', error));
  }
}
