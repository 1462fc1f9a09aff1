import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGateway, type LocalGateway } from '../lib/local/gateway';
import type { CarrierAttempt, OutboxEntry } from '../lib/local/sandbox-carrier';
import { localCredentials } from '../lib/local/sqs-local';
import type { QueueName } from '../lib/topology';
import type { Deadline } from './deadline';

export const BENCH_ACCOUNT_SID = `AC${'2'.repeat(32)}`;
export const BENCH_AUTH_TOKEN = 'bench-auth-token';

/**
 * Until the returned function is called, whatever the process writes to stdout and stderr is counted
 * and dropped: the handlers run in this process and log as in Lambda, which would bury the tables.
 */
export function swallowOutput(count: (bytes: number) => void = () => undefined): () => void {
  // BENCH_VERBOSE=1 shows what the handlers say (and why a section failed) instead of hiding it.
  if (process.env.BENCH_VERBOSE) return () => undefined;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      count(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return () => streams.forEach((stream, i) => (stream.write = originals[i]!));
}

/** Invocations of each handler and what they logged, counted from the moment of the last reset. */
export class Observer {
  invocations = new Map<string, { count: number; totalMs: number }>();
  logBytes = 0;

  onInvocation = (functionName: string, ms: number) => {
    const seen = this.invocations.get(functionName) ?? { count: 0, totalMs: 0 };
    this.invocations.set(functionName, { count: seen.count + 1, totalMs: seen.totalMs + ms });
  };

  /** The handlers' log lines (stdout and stderr, as Lambda sends both to CloudWatch): counted and swallowed while a load runs. */
  captureLogs(): () => void {
    return swallowOutput((bytes) => (this.logBytes += bytes));
  }

  reset(): void {
    this.invocations = new Map();
    this.logBytes = 0;
  }
}

/** The sandbox carrier, running in a process of its own (bench/carrier-process.ts). */
export interface BenchCarrier {
  url: string;
  /** Messages accepted (to one number, when given). */
  count(to?: string): Promise<number>;
  /** Messages accepted, from the `from`-th on. */
  outbox(from?: number): Promise<OutboxEntry[]>;
  attempts(): Promise<CarrierAttempt[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

async function startCarrierProcess(deadline: Deadline): Promise<BenchCarrier> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'carrier-process.ts'), BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = new Promise<{ url: string; control: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve(JSON.parse(line!) as { url: string; control: string });
    });
    child.once('exit', (code) => reject(new Error(`the carrier process exited (${code}) before it started`)));
  });
  const close = async () => {
    child.stdin!.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    child.kill('SIGKILL');
  };
  try {
    const { url, control } = await deadline.race(started, 'the carrier process to start');
    const get = async <T>(path: string): Promise<T> => (await fetch(`${control}${path}`)).json() as Promise<T>;
    return {
      url,
      count: async (to) => (await get<{ count: number }>(`/count${to ? `?to=${encodeURIComponent(to)}` : ''}`)).count,
      outbox: (from = 0) => get<OutboxEntry[]>(`/outbox?from=${from}`),
      attempts: () => get<CarrierAttempt[]>('/attempts'),
      clear: async () => void (await fetch(`${control}/clear`, { method: 'POST' })).body?.cancel(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface BenchGateway {
  gateway: LocalGateway;
  /** Without status callbacks: only what the texts themselves cost is measured. */
  carrier: BenchCarrier;
  observer: Observer;
  /** One client on the gateway's fauxqs for every section. */
  sqs: SQSClient;
  /** True when none of `queues` holds a message, waiting or in flight: every handler they feed has returned. */
  queuesIdle(queues: QueueName[]): Promise<boolean>;
  stop(): Promise<void>;
}

async function queueDepth(client: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * One local gateway for every section that needs one. The handlers' SDK clients are process-wide
 * singletons that keep the endpoint of the first DynamoDB Local and fauxqs they met, so a second
 * gateway in the same process would leave them talking to stopped servers. Its data directory is
 * removed and everything it started is stopped by `stop`, or when starting fails.
 */
export async function startBenchGateway(deadline: Deadline): Promise<BenchGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    // Reverse order: the gateway stops its pollers before the carrier they send to goes away.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('[bench] cleanup failed:', error));
    cleanups.length = 0;
  };
  try {
    const carrierStarting = startCarrierProcess(deadline);
    cleanups.push(() => carrierStarting.then((c) => c.close(), () => undefined));
    const carrier = await carrierStarting;
    const observer = new Observer();
    // Logs and metrics as a prod stage writes them (INFO, EMF metrics on), so their volume is measured.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'SmsGateway';
    process.env.POWERTOOLS_SERVICE_NAME ??= 'sms-gateway';
    // Held as a promise so cleanup can stop it even when the deadline passes while it is starting.
    const gatewayStarting = startLocalGateway({
      port: 0,
      accountSid: BENCH_ACCOUNT_SID,
      authToken: BENCH_AUTH_TOKEN,
      twilioApiUrl: carrier.url,
      dataDir,
      scheduler: false,
      logLevel: 'INFO',
      log: () => undefined,
      onInvocation: observer.onInvocation,
    });
    cleanups.push(() => gatewayStarting.then((g) => g.stop(), () => undefined));
    const gateway = await deadline.race(gatewayStarting, 'local gateway start');
    const sqs = new SQSClient({ endpoint: gateway.sqsEndpoint, region: 'us-east-1', credentials: localCredentials });
    cleanups.push(async () => sqs.destroy());
    const queuesIdle = async (queues: QueueName[]) => (await Promise.all(queues.map((queue) => queueDepth(sqs, gateway.queues[queue])))).every((depth) => depth === 0);
    return { gateway, carrier, observer, sqs, queuesIdle, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
