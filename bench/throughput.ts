import type { LocalGateway } from '../lib/local/gateway';
import { sendSignedText } from '../lib/local/text-client';
import type { QueueName } from '../lib/topology';
import { carrierSegments } from '../functions/domain/send-message';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, type BenchCarrier, type BenchGateway, type Observer } from './bench-gateway';
import type { Deadline } from './deadline';
import { countDynamoRequests, setApartSettled, type Capacity, type DynamoCounter } from './dynamo-counter';

const SHORT_CODE = '55155';
/**
 * The local gateway sets CATALOG_CACHE_SECONDS=0 so marketers' edits show at once; deployed
 * functions cache the catalog for 60 s. The counts should describe the deploy, so the bench sets
 * the Lambda value before the first message (the catalog source reads it on first use).
 */
const LAMBDA_CATALOG_CACHE_SECONDS = '60';

export interface LoadRun {
  body: string;
  messages: number;
  replies: number;
  expectedReplies: number;
  /** First webhook POST sent → last expected reply accepted by the carrier. */
  elapsedMs: number;
  dynamoRequests: number;
  byOperation: Map<string, number>;
  /** Handler invocations and their summed duration, by function, for the whole load. */
  invocations: Map<string, { count: number; totalMs: number }>;
  /** Bytes the handlers logged (Powertools JSON lines and metrics, at the prod stage's INFO level). */
  logBytes: number;
  /** Segments of all replies, as the carrier bills them. */
  replySegments: number;
  /** Read and write capacity units of those requests, by AWS's rules (see consumedCapacity). */
  capacity: Capacity;
  /** What the funnel report's stats writer spent counting the load's events (not in the figures above). */
  funnel: { requests: number; capacity: Capacity };
}

export interface ThroughputReport {
  /** `messages` concurrent GET /health round trips: the HTTP floor under every text. */
  healthMs: number;
  runs: LoadRun[];
  /**
   * The same loads, one text at a time: each invocation then has the process to itself, as a Lambda
   * invocation has its own CPU, so these durations (ms per invocation) are the ones costs are priced with.
   */
  alone: LoadRun[];
}

export interface ThroughputOptions {
  messages: number;
  /** Texts and the replies each gets from a number that never texted before. */
  loads: { body: string; repliesEach: number }[];
  deadline: Deadline;
}

/** Distinct senders per load, so every text is a first contact and FIFO groups never serialise. */
const phone = (load: number, i: number) => `+1555${String(load).padStart(3, '0')}${String(i).padStart(4, '0')}`;
/** Texts sent one at a time per load, for per-invocation durations. */
const ALONE_TEXTS = 10;

class Bench {
  constructor(
    private readonly gateway: LocalGateway,
    private readonly carrier: BenchCarrier,
    private readonly counter: DynamoCounter,
    private readonly deadline: Deadline,
    private readonly observer: Observer,
    private readonly queuesIdle: BenchGateway['queuesIdle'],
  ) {}

  async health(count: number): Promise<number> {
    const start = performance.now();
    await this.deadline.race(Promise.all(Array.from({ length: count }, async () => (await fetch(`${this.gateway.url}/health`)).text())), 'GET /health');
    return performance.now() - start;
  }

  /** `count` texts from as many numbers (loads `loadIndex`…), one after another; the sums of all. */
  async oneAtATime(loadIndex: number, body: string, count: number, repliesEach: number): Promise<LoadRun> {
    const runs: LoadRun[] = [];
    for (let i = 0; i < count; i += 1) runs.push(await this.load(loadIndex + i, body, 1, repliesEach));
    const invocations = new Map<string, { count: number; totalMs: number }>();
    for (const run of runs) {
      for (const [fn, seen] of run.invocations) {
        const sum = invocations.get(fn) ?? { count: 0, totalMs: 0 };
        invocations.set(fn, { count: sum.count + seen.count, totalMs: sum.totalMs + seen.totalMs });
      }
    }
    const byOperation = new Map<string, number>();
    for (const run of runs) for (const [op, n] of run.byOperation) byOperation.set(op, (byOperation.get(op) ?? 0) + n);
    const total = <K extends 'replies' | 'expectedReplies' | 'elapsedMs' | 'dynamoRequests' | 'logBytes' | 'replySegments'>(key: K) => runs.reduce((sum, run) => sum + run[key], 0);
    return {
      body,
      messages: count,
      replies: total('replies'),
      expectedReplies: total('expectedReplies'),
      elapsedMs: total('elapsedMs'),
      dynamoRequests: total('dynamoRequests'),
      byOperation,
      capacity: { read: runs.reduce((sum, run) => sum + run.capacity.read, 0), write: runs.reduce((sum, run) => sum + run.capacity.write, 0) },
      invocations,
      logBytes: total('logBytes'),
      replySegments: total('replySegments'),
      funnel: {
        requests: runs.reduce((sum, run) => sum + run.funnel.requests, 0),
        capacity: { read: runs.reduce((sum, run) => sum + run.funnel.capacity.read, 0), write: runs.reduce((sum, run) => sum + run.funnel.capacity.write, 0) },
      },
    };
  }

  /** Sends `count` texts at once, waits for every reply and for the queues to drain, then counts. */
  async load(loadIndex: number, body: string, count: number, repliesEach: number): Promise<LoadRun> {
    const before = await this.carrier.count();
    const expectedReplies = count * repliesEach;
    const replies = async () => (await this.carrier.count()) - before;
    this.counter.reset();
    this.observer.reset();
    const restoreStdout = this.observer.captureLogs();
    try {
      return await this.run(loadIndex, body, count, expectedReplies, replies, before);
    } finally {
      restoreStdout();
    }
  }

  private async run(loadIndex: number, body: string, count: number, expectedReplies: number, replies: () => Promise<number>, before: number): Promise<LoadRun> {
    const start = performance.now();
    const sent = Promise.all(
      Array.from({ length: count }, (_, i) =>
        sendSignedText({ gatewayUrl: this.gateway.url, publicUrl: this.gateway.publicUrl, accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, from: phone(loadIndex, i), to: SHORT_CODE, body }),
      ),
    );
    const rejected = (await this.deadline.race(sent, `sending ${body}`)).filter((r) => r.status !== 200);
    if (rejected.length > 0) throw new Error(`the webhook refused ${rejected.length} ${body} text(s): ${rejected[0]!.status} ${rejected[0]!.body}`);
    await this.deadline.until(async () => (await replies()) >= expectedReplies, `${expectedReplies} replies to ${body}`);
    const elapsedMs = performance.now() - start;
    // The last replies are accepted before send-sms logs them; an empty queue means every handler returned.
    const queues: QueueName[] = ['inbound', 'outbound'];
    await this.deadline.until(() => this.queuesIdle(queues), 'queues to drain');
    await setApartSettled(this.counter, (condition, what) => this.deadline.until(condition, what));
    return {
      body,
      messages: count,
      replies: await replies(),
      expectedReplies,
      elapsedMs,
      dynamoRequests: this.counter.total(),
      byOperation: this.counter.byOperation(),
      capacity: this.counter.capacity(),
      funnel: this.counter.setApart(),
      invocations: new Map(this.observer.invocations),
      logBytes: this.observer.logBytes,
      replySegments: (await this.carrier.outbox(before)).reduce((sum, entry) => sum + carrierSegments(entry), 0),
    };
  }
}

/**
 * Texts through the whole local gateway in this process (handlers, pollers, DynamoDB Local, fauxqs),
 * sending to a sandbox carrier without status callbacks, so only the inbound path is measured.
 */
export async function measureThroughput(options: ThroughputOptions, report: ThroughputReport, bench: BenchGateway): Promise<void> {
  const { deadline } = options;
  const counter = countDynamoRequests();
  try {
    process.env.CATALOG_CACHE_SECONDS = LAMBDA_CATALOG_CACHE_SECONDS;
    const run = new Bench(bench.gateway, bench.carrier, counter, deadline, bench.observer, bench.queuesIdle);
    // Warm-up: lazy clients, credential resolution, JIT and the catalog cache are paid once, as a warm
    // Lambda container would have; the measured runs then show the steady state.
    await run.health(10);
    await run.load(999, 'KRUSTY', 1, 2);

    // Filled in as it goes, so a timeout in a later load still leaves the earlier figures to print.
    report.healthMs = await run.health(options.messages);
    for (const [index, load] of options.loads.entries()) report.runs.push(await run.load(index + 1, load.body, options.messages, load.repliesEach));
    for (const [index, load] of options.loads.entries()) report.alone.push(await run.oneAtATime(200 + index * ALONE_TEXTS, load.body, ALONE_TEXTS, load.repliesEach));
  } finally {
    counter.stop();
  }
}
