import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCatalogSource } from '../../functions/adapters/dynamo-catalog';
import { DynamoStatsStore } from '../../functions/adapters/dynamo-stats';
import { buildFunnelReport } from '../../functions/domain/record-stats';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { maskPhonesIn } from '../../functions/domain/phone-numbers';
import { clock } from '../../functions/shared/clock';
import { LOCAL_GATEWAY_ENV } from '../../functions/shared/console-settings';
import { DEFAULT_SENDER_MPS, SENDER_PACE_ENV } from '../../functions/shared/sender-pace';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { SqsOutbox } from '../../functions/adapters/sqs-queues';
import { DEMO_CATALOG_FILE, readCatalogFile, writeCatalogItems } from '../catalog-admin';
import { deadLetterEnv, EVENT_BUS_ENV, functionEntries, tables, queues as queueSpecs, type FunctionSpec, type QueueName, type TableName } from '../topology';
import { LocalBus, LocalScheduler, type EventHandler } from './bus-and-scheduler';
import { currentInvocation } from './invocation-context';
import { freePort, LocalSetupError } from './child-processes';
import { dynamoDbLocalCommand, launchDynamoDbLocal } from './dynamodb-local';
import { HealthMonitor, type Dependency } from './health';
import { LOCAL_EVENTBRIDGE_PATH, routeRequest, type HttpHandler, type RunningParts } from './http-routes';
import { startQueuePoller, type SqsHandler } from './queue-poller';
import { LOCAL_SHORT_CODE, sendSignedText } from './text-client';
import { startSandboxCarrier, type SandboxCarrier } from './sandbox-carrier';
import { createQueues, launchFauxqs, localCredentials, sqsClient, type LocalQueue } from './sqs-local';
import type { LocalSettings, RecordedChild } from './settings';
import { DependencyFailedError, SupervisedChild } from './supervisor';
import { ensureTables, localTableName } from './tables';

export interface LocalGatewayOptions extends LocalSettings {
  /** Powertools log level for the handlers (default WARN, so the console stays readable). */
  logLevel?: string;
  onError?: (error: unknown) => void;
  /** DynamoDB Local or fauxqs died and could not be kept running (default: onError; /health stays 503). */
  onFatal?: (error: DependencyFailedError) => void;
  /** The child processes changed (spawned, restarted): the running-info file records their pids. */
  onChildren?: (children: RecordedChild[]) => void;
  /** Restarts and warnings (default: stderr). */
  log?: (line: string) => void;
  /** A child that dies again within this long of being restarted is given up on (default 60 s). */
  restartWindowMs?: number;
  /** Told of every handler invocation as it ends, with its duration (the bench counts and times them). */
  onInvocation?: (functionName: string, ms: number) => void;
}

export interface LocalGateway {
  url: string;
  publicUrl: string;
  /** Where short links point: `{linkBase}/{id}` (GET /l/{id} on this gateway unless LINK_BASE says otherwise). */
  linkBase: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tables: Record<TableName, string>;
  queues: Record<QueueName, string>;
  carrierUrl: string;
  seededCatalog: boolean;
  /** The child processes running now (DynamoDB Local, fauxqs), with their pids. */
  children(): RecordedChild[];
  stop(): Promise<void>;
}

export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

const ROOT = resolve(__dirname, '..', '..');

/** Batches of one queue handled at the same time locally, as concurrent Lambda invocations would. */
const LOCAL_CONCURRENCY = 3;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' ? new PortTakenError(`Port ${port} is already in use (is another \`npm start\` running?). Stop it or choose another port: PORT=3001 npm start`) : error),
    );
    server.listen(port, '127.0.0.1', () => ok((server.address() as { port: number }).port));
  });
}

/** The handlers read their wiring from the environment, exactly as in Lambda. */
function handlerEnvironment(
  options: LocalGatewayOptions,
  parts: { dynamodbEndpoint: string; sqsEndpoint: string; queues: Record<QueueName, LocalQueue>; carrierUrl: string; publicUrl: string; gatewayUrl: string; linkBase: string },
) {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: parts.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: parts.sqsEndpoint,
    // The gateway itself answers EventBridge's PutEvents and routes events by the topology's rules.
    AWS_ENDPOINT_URL_EVENTBRIDGE: `${parts.gatewayUrl}${LOCAL_EVENTBRIDGE_PATH}`,
    [EVENT_BUS_ENV]: 'sms-gateway-local',
    TWILIO_ACCOUNT_SID: options.accountSid,
    TWILIO_AUTH_TOKEN: options.authToken,
    TWILIO_API_URL: parts.carrierUrl,
    PUBLIC_URL: parts.publicUrl,
    // Texts' URLs become short links to this gateway's GET /l/{id} (a stage setting in AWS).
    LINK_BASE: parts.linkBase,
    // Marketers' edits show up on the next message locally; Lambda caches for a minute.
    CATALOG_CACHE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // CloudWatch reads metrics from EMF log lines; on a laptop they would only drown the console.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // One process runs every send-sms poller, so it keeps the whole rate itself (SENDER_MPS, default 100).
    [SENDER_PACE_ENV.mps]: process.env[SENDER_PACE_ENV.mps] ?? String(DEFAULT_SENDER_MPS),
    [SENDER_PACE_ENV.instances]: '1',
    // The console's config.json says so: its /local controls show, its API needs no login (127.0.0.1 only).
    [LOCAL_GATEWAY_ENV]: 'true',
  });
  for (const [table, spec] of Object.entries(tables)) process.env[spec.env] = localTableName(table as TableName);
  for (const [queue, spec] of Object.entries(queueSpecs)) process.env[spec.env] = parts.queues[queue as QueueName].url;
  for (const queue of Object.keys(queueSpecs) as QueueName[]) process.env[deadLetterEnv(queue)] = parts.queues[queue].dlqUrl;
}

async function loadHandler<T>(spec: FunctionSpec, functionName: string, onInvocation?: LocalGatewayOptions['onInvocation']): Promise<T> {
  const module = (await import(resolve(ROOT, spec.entry))) as { handler: T };
  const handler = module.handler as (...args: unknown[]) => Promise<unknown>;
  const invoke = async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await currentInvocation.run({ functionName }, () => handler(...args));
    } finally {
      onInvocation?.(functionName, performance.now() - start);
    }
  };
  return invoke as T;
}

/** What a handler, poller or route threw, on the console: whole phone numbers masked, as in Lambda's logs. */
export function printLocalError(error: unknown): void {
  console.error('[local gateway]', maskPhonesIn(inspect(error)));
}

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const onError = options.onError ?? printLocalError;
  const log = options.log ?? ((line: string) => console.error(`[local gateway] ${line}`));
  let parts: RunningParts | undefined;
  const server = createServer(routeRequest(() => parts, onError));
  const port = await listen(server, options.port);
  const url = `http://127.0.0.1:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const linkBase = (options.linkBase ?? `${publicUrl}/l`).replace(/\/+$/, '');
  const cleanups: (() => Promise<void> | void)[] = [() => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); })];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  // DynamoDB Local and fauxqs are kept running on fixed ports (the handlers' endpoints stay valid across a restart).
  let monitor: HealthMonitor | undefined;
  const children = (): RecordedChild[] =>
    [dynamo, sqs].flatMap((child) => (child.pid !== undefined && child.argv ? [{ name: child.dependency, pid: child.pid, argv: child.argv }] : []));
  const onChange = () => {
    monitor?.invalidate();
    if (!stopping) options.onChildren?.(children());
  };
  const supervision = {
    restartWindowMs: options.restartWindowMs ?? 60_000,
    onFatal: options.onFatal ?? ((error: DependencyFailedError) => onError(error)),
    onChange,
    log,
  };
  const dynamoPort = await freePort().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const dynamodbEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const dynamo: SupervisedChild = new SupervisedChild({
    ...supervision,
    dependency: 'dynamodb',
    label: 'DynamoDB Local',
    launch: (spawned) => launchDynamoDbLocal(options.dataDir, dynamoPort, spawned),
  });
  let sqsPort = 0;
  let queues: Record<QueueName, LocalQueue> | undefined;
  const sqsEndpoint = () => `http://127.0.0.1:${sqsPort}`;
  const sqs: SupervisedChild = new SupervisedChild({
    ...supervision,
    dependency: 'sqs',
    label: 'The local SQS server (fauxqs)',
    launch: async (spawned) => {
      const launched = await launchFauxqs(sqsPort, spawned);
      sqsPort = launched.port;
      return launched.child;
    },
    // fauxqs keeps everything in memory: the queues are made again, under the same URLs, and what they held is gone.
    afterRestart: async () => {
      const client = sqsClient(sqsEndpoint());
      try {
        const again = await createQueues(client);
        const moved = (Object.keys(again) as QueueName[]).filter((name) => JSON.stringify(again[name]) !== JSON.stringify(queues?.[name]));
        if (moved.length > 0) throw new LocalSetupError(`its queues came back under other URLs (${moved.join(', ')})`);
        // Outbound messages are also recorded in DynamoDB: those not yet sent go back on the queue.
        const requeued = await requeueUnsent(dynamodbEndpoint, client, again.outbound.url);
        log(`Its queues are created again and ${requeued} unsent outbound message(s) queued again from their records; the other messages they held when it died are lost (fauxqs keeps them in memory only).`);
      } finally {
        client.destroy();
      }
    },
  });
  cleanups.push(() => dynamo.stop(), () => sqs.stop());

  try {
    const [, client, carrier] = await Promise.all([
      dynamo.start(),
      sqs.start().then(() => sqsClient(sqsEndpoint())),
      options.twilioApiUrl
        ? Promise.resolve(undefined)
        : startSandboxCarrier({ accountSid: options.accountSid, authToken: options.authToken, now: clock.now }).then((c) => (cleanups.push(() => c.close()), c)),
    ]);
    cleanups.push(() => client.destroy());
    const java = dynamoDbLocalCommand();
    if (!java.loopbackOnly) {
      log(`Warning: DynamoDB Local listens on every network interface: the launcher that keeps it on 127.0.0.1 could not be compiled (${java.problem}). A JDK 17+ (or a JRE with the jdk.compiler module) keeps it local.`);
    }
    queues = await createQueues(client);
    const carrierUrl = options.twilioApiUrl ?? (carrier as SandboxCarrier).url;
    const seededCatalog = await prepareTables(dynamodbEndpoint);
    handlerEnvironment(options, { dynamodbEndpoint, sqsEndpoint: sqsEndpoint(), queues, carrierUrl, publicUrl, gatewayUrl: url, linkBase });

    const routes: RunningParts['routes'] = [];
    const rules: ConstructorParameters<typeof LocalBus>[0] = [];
    const schedules: ConstructorParameters<typeof LocalScheduler>[0] = [];
    // Every queue consumer needs both: while either is down its messages wait instead of failing toward the DLQ.
    const paused = () => dynamo.state !== 'up' || sqs.state !== 'up';
    const pollers: { stop(): Promise<void> }[] = [];
    // Stopped together: each may be in a one-second long poll.
    cleanups.push(() => Promise.all(pollers.map((poller) => poller.stop())).then(() => undefined));
    for (const [functionName, spec] of functionEntries()) {
      const trigger = spec.trigger;
      const target = { functionName, timeoutSeconds: spec.timeoutSeconds };
      if (trigger.kind === 'http') routes.push({ ...target, method: trigger.method, path: trigger.path, handler: await loadHandler<HttpHandler>(spec, functionName, options.onInvocation) });
      if (trigger.kind === 'rule') rules.push({ ...target, source: trigger.source, detailType: trigger.detailType, handler: await loadHandler<EventHandler>(spec, functionName, options.onInvocation) });
      if (trigger.kind === 'schedule') schedules.push({ ...target, name: trigger.name, expression: trigger.expression, handler: await loadHandler<EventHandler>(spec, functionName, options.onInvocation) });
      if (trigger.kind === 'queue') {
        const queue = queues[trigger.queue];
        const handler = await loadHandler<SqsHandler>(spec, functionName, options.onInvocation);
        // Lambda runs several batches at once; so does the laptop, a few (FIFO groups stay one at a time).
        for (let i = 0; i < Math.min(trigger.maxConcurrency ?? LOCAL_CONCURRENCY, LOCAL_CONCURRENCY); i += 1) {
          pollers.push(startQueuePoller({ ...target, client, queueUrl: queue.url, queueArn: queue.arn, batchSize: trigger.batchSize, handler, onError, paused }));
        }
      }
    }
    // Fauxqs keeps its queues in memory: what a crashed run had committed to send but not yet sent
    // is only in DynamoDB now. Queue it again; sending is idempotent per message id.
    await requeueUnsent(dynamodbEndpoint, client, queues.outbound.url);
    const scheduler = new LocalScheduler(schedules, clock, onError);
    if (options.scheduler) scheduler.start();
    cleanups.push(() => scheduler.stop());

    const gateway: LocalGateway = {
      url,
      publicUrl,
      linkBase,
      dynamodbEndpoint,
      sqsEndpoint: sqsEndpoint(),
      tables: Object.fromEntries(Object.keys(tables).map((t) => [t, localTableName(t as TableName)])) as Record<TableName, string>,
      queues: Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as Record<QueueName, string>,
      carrierUrl,
      seededCatalog,
      children,
      stop,
    };
    monitor = healthMonitor({ dynamo, sqs, dynamodbEndpoint, sqsEndpoint: sqsEndpoint(), carrier, scheduler, schedulerOn: options.scheduler, rules: rules.length }, cleanups);
    const { stop: _stop, children: _children, ...info } = gateway;
    const ready = monitor;
    const reportClient = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodbEndpoint, region: 'us-east-1', credentials: localCredentials }));
    cleanups.push(() => reportClient.destroy());
    const reportDeps = { stats: new DynamoStatsStore(reportClient, localTableName('stats')), catalog: new DynamoCatalogSource(reportClient, localTableName('catalog'), 0) };
    parts = {
      routes,
      bus: new LocalBus(rules, clock, onError),
      scheduler,
      clock,
      outbox: () => carrier?.outbox() ?? [],
      text: (message) =>
        sendSignedText({ gatewayUrl: url, publicUrl, accountSid: options.accountSid, authToken: options.authToken, from: message.from, to: message.to ?? LOCAL_SHORT_CODE, body: message.body }),
      report: (from, to, programId) => buildFunnelReport(from, to, reportDeps, programId),
      health: async () => {
        const report = await ready.report();
        return { healthy: report.healthy, down: report.down, body: { status: report.healthy ? 'ok' : 'down', down: report.down, dependencies: report.dependencies, ...info, schedules: scheduler.names() } };
      },
    };
    return gateway;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Outbound messages with no outcome yet (pending, or claimed by a run that died) back on the outbound queue. */
async function requeueUnsent(endpoint: string, sqs: SQSClient, outboundQueueUrl: string): Promise<number> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials }));
  try {
    const unsent = await new DynamoDeliveries(client, localTableName('audience')).unsent();
    await new SqsOutbox(sqs, outboundQueueUrl, clock.now).enqueueEach(unsent);
    return unsent.length;
  } finally {
    client.destroy();
  }
}

/** What /health checks, each with a cheap request on its own client (one attempt: a dead port answers at once). */
function healthMonitor(
  parts: { dynamo: SupervisedChild; sqs: SupervisedChild; dynamodbEndpoint: string; sqsEndpoint: string; carrier?: SandboxCarrier; scheduler: LocalScheduler; schedulerOn: boolean; rules: number },
  cleanups: (() => Promise<void> | void)[],
): HealthMonitor {
  const dynamoClient = new DynamoDBClient({ endpoint: parts.dynamodbEndpoint, region: 'us-east-1', credentials: localCredentials, maxAttempts: 1 });
  const queueClient = sqsClient(parts.sqsEndpoint);
  cleanups.push(() => dynamoClient.destroy(), () => queueClient.destroy());
  const child = (supervised: SupervisedChild, endpoint: string, extra: Record<string, unknown> = {}) => () => ({ endpoint, pid: supervised.pid, restarts: supervised.restarts, ...extra });
  const dependencies: Record<string, Dependency> = {
    dynamodb: {
      child: parts.dynamo,
      probe: (abortSignal) => dynamoClient.send(new ListTablesCommand({ Limit: 1 }), { abortSignal }),
      details: child(parts.dynamo, parts.dynamodbEndpoint, { listensOn: dynamoDbLocalCommand().loopbackOnly ? '127.0.0.1' : 'every interface' }),
    },
    sqs: {
      child: parts.sqs,
      probe: (abortSignal) => queueClient.send(new ListQueuesCommand({}), { abortSignal }),
      details: child(parts.sqs, parts.sqsEndpoint),
    },
  };
  const carrier = parts.carrier;
  if (carrier) {
    dependencies.carrier = { probe: async (signal) => (await fetch(carrier.url, { signal })).arrayBuffer(), details: () => ({ url: carrier.url, kind: 'sandbox' }) };
  }
  // The bus and the scheduler run inside the gateway: they are up as long as it answers.
  dependencies.bus = { details: () => ({ rules: parts.rules }) };
  dependencies.scheduler = { details: () => ({ running: parts.schedulerOn, schedules: parts.scheduler.names() }) };
  return new HealthMonitor(dependencies);
}

/** Creates missing tables; a brand-new catalog table gets the demo catalog. */
async function prepareTables(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  try {
    const created = await ensureTables(client);
    if (!created.includes('catalog')) return false;
    await writeCatalogItems(DynamoDBDocumentClient.from(client), localTableName('catalog'), readCatalogFile(DEMO_CATALOG_FILE));
    return true;
  } finally {
    client.destroy();
  }
}
