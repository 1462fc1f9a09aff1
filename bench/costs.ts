/**
 * `npm run costs`: what a million texts of each kind cost in AWS, and beside it what the carrier
 * charges for the same texts, priced from the figures `npm run bench` measured (.bench/results.json):
 * handler invocations and their durations, DynamoDB requests, log bytes. What the bench cannot see
 * (AWS's own log lines, X-Ray sampling, Twilio's latency) is an assumption, printed with the figures.
 * Prices: us-east-1 list prices, arm64; Twilio US short code list prices. Check both against your bills.
 */
import { MESSAGE_PRICES } from '../functions/domain/message-prices';
import { existsSync, readFileSync } from 'node:fs';
import { functions, type FunctionName } from '../lib/topology';
import { RESULTS_FILE } from './results-file';
import type { LunchWaveFigures } from './lunch-wave';
import type { LoadRun } from './throughput';
import { formatTable } from './table';

const MILLION = 1_000_000;

export const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / MILLION,
  httpApiRequest: 1.0 / MILLION,
  sqsFifoRequest: 0.5 / MILLION,
  dynamoWriteUnit: 0.625 / MILLION,
  dynamoReadUnit: 0.125 / MILLION,
  eventBridgeEvent: 1.0 / MILLION,
  /** CloudWatch Logs ingestion per GB (storage after that is cents and depends on retention). */
  logsIngestedGb: 0.5,
  /** X-Ray: traces recorded. */
  xrayTrace: 5.0 / MILLION,
  /** Twilio, US short code: per segment sent or received, plus the US carriers' fee per segment. */
  twilioSegment: MESSAGE_PRICES.smsSegment,
  carrierFeeSegment: MESSAGE_PRICES.smsCarrierFee,
};

export const ASSUMPTIONS = {
  /** Lambda's START/END/REPORT lines per invocation. */
  platformLogBytesPerInvocation: 350,
  /** Active tracing's default sampling: the first request each second, then 5%: about 5% at volume. */
  xraySampledShare: 0.05,
  /** Twilio's answer to a create-message call; a send-sms batch works its recipients side by side. */
  twilioLatencyMsPerSendBatch: 250,
  /** Queue messages per text: each is sent, received and deleted (3 requests). */
  sqsRequestsPerMessage: 3,
  /**
   * Status callbacks per text: only opt-in confirmations, marketing and follow-ups ask for them
   * (a KRUSTY's welcome: 1; a HELP answer: 0); Twilio calls twice (sent, delivered) and
   * track-delivery writes the final one (1 WCU, ~20 ms).
   */
  statusCallbacksPerText: { KRUSTY: 1, HELP: 0 } as Record<string, number>,
  callbackCallsEach: 2,
  trackDeliveryMs: 20,
};

/** A load run as .bench/results.json holds it: maps written as objects. */
type Json<T> = { [K in keyof T]: T[K] extends Map<string, infer V> ? Record<string, V> : T[K] };
type Measured = Json<LoadRun>;

/** Lambda (arm64) for `calls` invocations of `msEach` ms at `memoryMb`. */
function lambdaCost(memoryMb: number, msEach: number, calls: number): number {
  return (memoryMb / 1024) * (msEach / 1000) * calls * PRICE.lambdaGbSecondArm + calls * PRICE.lambdaRequest;
}

/** DynamoDB on-demand at the read and write units the bench measured by AWS's rules. */
function dynamoCost(readUnits: number, writeUnits: number, per: string): CostLine {
  return {
    part: 'DynamoDB on-demand',
    perMillion: MILLION * (readUnits * PRICE.dynamoReadUnit + writeUnits * PRICE.dynamoWriteUnit),
    basis: `${readUnits.toFixed(1)} RRU + ${writeUnits.toFixed(1)} WRU/${per}`,
  };
}

interface BenchResults {
  measuredAt: string;
  throughput?: { runs: Measured[]; alone: Measured[] };
  wave?: LunchWaveFigures;
}

/** A million lunch coupons: issuing and sending, from the bench's lunch wave (section 5). */
function lunchCouponCost(wave: LunchWaveFigures, alone: Measured | undefined): CostLine[] {
  const sendMs = alone?.invocations.sendSms ? alone.invocations.sendSms.totalMs / alone.invocations.sendSms.count : 100;
  const sendCalls = MILLION / 10;
  const sendSms = lambdaCost(functions.sendSms.memoryMb, sendMs + ASSUMPTIONS.twilioLatencyMsPerSendBatch, sendCalls);
  return [
    { part: 'Lambda send-sms', perMillion: sendSms, basis: `batches of 10, ${sendMs.toFixed(0)} ms + ${ASSUMPTIONS.twilioLatencyMsPerSendBatch} ms Twilio each` },
    { part: 'SQS (outbound FIFO, lunch pages)', perMillion: (1 + 1 / 100) * ASSUMPTIONS.sqsRequestsPerMessage * MILLION * PRICE.sqsFifoRequest, basis: 'one queue message a coupon, one page message a hundred' },
    dynamoCost(wave.capacityPerCoupon.read, wave.capacityPerCoupon.write, `coupon (${wave.totalPerCoupon.toFixed(2)} requests)`),
    { part: 'EventBridge CouponIssued', perMillion: MILLION * PRICE.eventBridgeEvent, basis: 'one domain event a coupon' },
  ];
}

export interface CostLine {
  part: string;
  perMillion: number;
  basis: string;
}

/** AWS cost of a million texts like `run`, with per-invocation durations from `alone` (the same texts one at a time). */
export function awsCost(run: Measured, alone: Measured): CostLine[] {
  const perText = (n: number) => n / run.messages;
  const lines: CostLine[] = [];
  let invocations = 0;
  for (const [fn, seen] of Object.entries(run.invocations)) {
    const spec = functions[fn as FunctionName];
    const aloneSeen = alone.invocations[fn];
    if (!spec || !aloneSeen) continue;
    const twilioMs = fn === 'sendSms' ? ASSUMPTIONS.twilioLatencyMsPerSendBatch : 0;
    const msEach = aloneSeen.totalMs / aloneSeen.count + twilioMs;
    const calls = perText(seen.count) * MILLION;
    invocations += calls;
    const cost = lambdaCost(spec.memoryMb, msEach, calls);
    lines.push({ part: `Lambda ${fn}`, perMillion: cost, basis: `${perText(seen.count).toFixed(2)} invocations/text × ${msEach.toFixed(0)} ms × ${spec.memoryMb} MB${twilioMs ? ` (incl. ${twilioMs} ms Twilio)` : ''}` });
  }
  const callbacks = ASSUMPTIONS.statusCallbacksPerText[run.body] ?? 1;
  if (callbacks > 0) {
    const calls = callbacks * ASSUMPTIONS.callbackCallsEach * MILLION;
    const cost = lambdaCost(functions.trackDelivery.memoryMb, ASSUMPTIONS.trackDeliveryMs, calls) + callbacks * MILLION * PRICE.dynamoWriteUnit;
    invocations += calls;
    lines.push({ part: 'Lambda trackDelivery', perMillion: cost, basis: `${callbacks} message(s)/text asking for status, ${ASSUMPTIONS.callbackCallsEach} callbacks each, the final one written (1 WCU)` });
  }
  const webhooks = perText(run.invocations.receiveSms?.count ?? 0) + callbacks * ASSUMPTIONS.callbackCallsEach;
  if (webhooks > 0) lines.push({ part: 'API Gateway HTTP API', perMillion: webhooks * MILLION * PRICE.httpApiRequest, basis: `${webhooks.toFixed(2)} webhook requests/text` });
  const queueMessages = perText(run.invocations.receiveSms?.count ?? 0) + perText(run.replies);
  lines.push({ part: 'SQS FIFO', perMillion: queueMessages * ASSUMPTIONS.sqsRequestsPerMessage * MILLION * PRICE.sqsFifoRequest, basis: `${queueMessages.toFixed(2)} queue messages/text × ${ASSUMPTIONS.sqsRequestsPerMessage} requests` });
  lines.push(dynamoCost(perText(run.capacity.read), perText(run.capacity.write), 'text'));
  const logBytes = perText(run.logBytes) + (invocations / MILLION) * ASSUMPTIONS.platformLogBytesPerInvocation;
  lines.push({ part: 'CloudWatch Logs', perMillion: (logBytes * MILLION * PRICE.logsIngestedGb) / 1024 ** 3, basis: `${logBytes.toFixed(0)} bytes/text (handlers' lines measured at INFO + Lambda's ${ASSUMPTIONS.platformLogBytesPerInvocation} B/invocation)` });
  lines.push({ part: 'X-Ray', perMillion: invocations * ASSUMPTIONS.xraySampledShare * PRICE.xrayTrace, basis: `${(invocations / MILLION).toFixed(2)} invocations/text, ${ASSUMPTIONS.xraySampledShare * 100}% sampled` });
  return lines;
}

/** What Twilio and the carriers charge for the same million texts: the inbound text and every reply segment. */
export function carrierCost(run: Measured): CostLine {
  const segments = 1 + run.replySegments / run.messages;
  return { part: 'Twilio + carrier fees', perMillion: segments * MILLION * (PRICE.twilioSegment + PRICE.carrierFeeSegment), basis: `${segments.toFixed(1)} segments/text at $${PRICE.twilioSegment} + $${PRICE.carrierFeeSegment}` };
}

const usd = (value: number) => `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** What each kind of text is, for the table titles. */
const KINDS: Record<string, string> = {
  KRUSTY: 'a million opt-ins (KRUSTY from new numbers: welcome + ZIP question)',
  HELP: 'a million HELP-type texts (one reply each)',
};

function main(): void {
  if (!existsSync(RESULTS_FILE)) {
    console.error(`No measured figures yet (${RESULTS_FILE}): run \`npm run bench\` first; costs are priced from what it measures.`);
    process.exit(1);
  }
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults;
  const runs = results.throughput?.runs ?? [];
  if (runs.length === 0) {
    console.error(`${RESULTS_FILE} holds no inbound figures (the bench's throughput section failed): run \`npm run bench\` again.`);
    process.exit(1);
  }
  console.log(`Priced from the figures npm run bench measured at ${results.measuredAt} (${RESULTS_FILE}).\n`);
  for (const run of runs) {
    const alone = results.throughput!.alone.find((a) => a.body === run.body) ?? run;
    const title = KINDS[run.body] ?? `a million ${run.body} texts`;
    const aws = awsCost(run, alone);
    const total = aws.reduce((sum, line) => sum + line.perMillion, 0);
    const carrier = carrierCost(run);
    console.log(
      formatTable(`Cost of ${title}`, ['part', 'per 1M', 'basis'], [
        ...aws.map((line) => [line.part, usd(line.perMillion), line.basis]),
        ['AWS total', usd(total), `${usd(total / 1000)} per thousand texts`],
        [carrier.part, usd(carrier.perMillion), carrier.basis],
        ['AWS share of the whole', `${((100 * total) / (total + carrier.perMillion)).toFixed(2)}%`, ''],
      ]),
    );
    console.log();
  }
  if (results.wave) {
    const aws = lunchCouponCost(results.wave, results.throughput?.alone.find((a) => a.body === 'HELP'));
    const total = aws.reduce((sum, line) => sum + line.perMillion, 0);
    const carrier = MILLION * (PRICE.twilioSegment + PRICE.carrierFeeSegment);
    console.log(
      formatTable('Cost of a million lunch coupons (one-segment text each)', ['part', 'per 1M', 'basis'], [
        ...aws.map((line) => [line.part, usd(line.perMillion), line.basis]),
        ['AWS total', usd(total), `${usd(total / 1000)} per thousand coupons`],
        ['Twilio + carrier fees', usd(carrier), `1 segment at $${PRICE.twilioSegment} + $${PRICE.carrierFeeSegment}`],
        ['AWS share of the whole', `${((100 * total) / (total + carrier)).toFixed(2)}%`, ''],
      ]),
    );
  }
}

if (require.main === module) main();
