import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { maskPhonesIn } from '../../functions/domain/phone-numbers';
import { clock } from '../../functions/shared/clock';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { SqsOutbox } from '../../functions/adapters/sqs-queues';
import { DEMO_CATALOG_FILE, readCatalogFile, writeCatalogItems } from '../catalog-admin';
import { EVENT_BUS_ENV, functionEntries, tables, queues as queueSpecs, type FunctionSpec, type QueueName, type TableName } from '../topology';
import { LocalBus, LocalScheduler, type EventHandler } from './bus-and-scheduler';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LOCAL_EVENTBRIDGE_PATH, routeRequest, type HttpHandler, type RunningParts } from './http-routes';
import { startQueuePoller, type SqsHandler } from './queue-poller';
import { startSandboxCarrier, type SandboxCarrier } from './sandbox-carrier';
import { localCredentials, startSqsLocal, type SqsLocal } from './sqs-local';
import type { LocalSettings } from './settings';
import { ensureTables, localTableName } from './tables';

export interface LocalGatewayOptions extends LocalSettings {
  /** Powertools log level for the handlers (default WARN, so the console stays readable). */
  logLevel?: string;
  onError?: (error: unknown) => void;
}

export interface LocalGateway {
  url: string;
  publicUrl: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tables: Record<TableName, string>;
  queues: Record<QueueName, string>;
  carrierUrl: string;
  seededCatalog: boolean;
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
function handlerEnvironment(options: LocalGatewayOptions, parts: { dynamo: DynamoDbLocal; sqs: SqsLocal; carrierUrl: string; publicUrl: string; gatewayUrl: string }) {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: parts.dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: parts.sqs.endpoint,
    // The gateway itself answers EventBridge's PutEvents and routes events by the topology's rules.
    AWS_ENDPOINT_URL_EVENTBRIDGE: `${parts.gatewayUrl}${LOCAL_EVENTBRIDGE_PATH}`,
    [EVENT_BUS_ENV]: 'sms-gateway-local',
    TWILIO_ACCOUNT_SID: options.accountSid,
    TWILIO_AUTH_TOKEN: options.authToken,
    TWILIO_API_URL: parts.carrierUrl,
    PUBLIC_URL: parts.publicUrl,
    // Marketers' edits show up on the next message locally; Lambda caches for a minute.
    CATALOG_CACHE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // CloudWatch reads metrics from EMF log lines; on a laptop they would only drown the console.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  for (const [table, spec] of Object.entries(tables)) process.env[spec.env] = localTableName(table as TableName);
  for (const [queue, spec] of Object.entries(queueSpecs)) process.env[spec.env] = parts.sqs.queues[queue as QueueName].url;
}

async function loadHandler<T>(spec: FunctionSpec): Promise<T> {
  const module = (await import(resolve(ROOT, spec.entry))) as { handler: T };
  return module.handler;
}

/** What a handler, poller or route threw, on the console: whole phone numbers masked, as in Lambda's logs. */
export function printLocalError(error: unknown): void {
  console.error('[local gateway]', maskPhonesIn(inspect(error)));
}

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const onError = options.onError ?? printLocalError;
  let parts: RunningParts | undefined;
  const server = createServer(routeRequest(() => parts, onError));
  const port = await listen(server, options.port);
  const url = `http://127.0.0.1:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const cleanups: (() => Promise<void> | void)[] = [() => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const [dynamo, sqs, carrier] = await Promise.all([
      startDynamoDbLocal(options.dataDir).then((d) => (cleanups.push(d.stop), d)),
      startSqsLocal().then((s) => (cleanups.push(s.stop), s)),
      options.twilioApiUrl
        ? Promise.resolve(undefined)
        : startSandboxCarrier({ accountSid: options.accountSid, authToken: options.authToken, now: clock.now }).then((c) => (cleanups.push(() => c.close()), c)),
    ]);
    const carrierUrl = options.twilioApiUrl ?? (carrier as SandboxCarrier).url;
    const seededCatalog = await prepareTables(dynamo.endpoint);
    handlerEnvironment(options, { dynamo, sqs, carrierUrl, publicUrl, gatewayUrl: url });

    const routes: RunningParts['routes'] = [];
    const rules: ConstructorParameters<typeof LocalBus>[0] = [];
    const schedules: ConstructorParameters<typeof LocalScheduler>[0] = [];
    for (const [functionName, spec] of functionEntries()) {
      const trigger = spec.trigger;
      const target = { functionName, timeoutSeconds: spec.timeoutSeconds };
      if (trigger.kind === 'http') routes.push({ ...target, method: trigger.method, path: trigger.path, handler: await loadHandler<HttpHandler>(spec) });
      if (trigger.kind === 'rule') rules.push({ ...target, source: trigger.source, detailType: trigger.detailType, handler: await loadHandler<EventHandler>(spec) });
      if (trigger.kind === 'schedule') schedules.push({ ...target, name: trigger.name, expression: trigger.expression, handler: await loadHandler<EventHandler>(spec) });
      if (trigger.kind === 'queue') {
        const queue = sqs.queues[trigger.queue];
        const handler = await loadHandler<SqsHandler>(spec);
        // Lambda runs several batches at once; so does the laptop, a few (FIFO groups stay one at a time).
        for (let i = 0; i < Math.min(trigger.maxConcurrency ?? LOCAL_CONCURRENCY, LOCAL_CONCURRENCY); i += 1) {
          const poller = startQueuePoller({ ...target, client: sqs.client, queueUrl: queue.url, queueArn: queue.arn, batchSize: trigger.batchSize, handler, onError });
          cleanups.push(() => poller.stop());
        }
      }
    }
    // Fauxqs keeps its queues in memory: what a crashed run had committed to send but not yet sent
    // is only in DynamoDB now. Queue it again; sending is idempotent per message id.
    await requeueUnsent(dynamo.endpoint, sqs);
    const scheduler = new LocalScheduler(schedules, clock, onError);
    if (options.scheduler) scheduler.start();
    cleanups.push(() => scheduler.stop());

    const gateway: LocalGateway = {
      url,
      publicUrl,
      dynamodbEndpoint: dynamo.endpoint,
      sqsEndpoint: sqs.endpoint,
      tables: Object.fromEntries(Object.keys(tables).map((t) => [t, localTableName(t as TableName)])) as Record<TableName, string>,
      queues: Object.fromEntries(Object.entries(sqs.queues).map(([name, q]) => [name, q.url])) as Record<QueueName, string>,
      carrierUrl,
      seededCatalog,
      stop,
    };
    const { stop: _stop, ...health } = gateway;
    parts = { routes, bus: new LocalBus(rules, clock, onError), scheduler, clock, outbox: () => carrier?.outbox() ?? [], health: { ...health, schedules: scheduler.names() } };
    return gateway;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Outbound messages with no outcome yet (pending, or claimed by a run that died) back on the outbound queue. */
async function requeueUnsent(endpoint: string, sqs: SqsLocal): Promise<number> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials }));
  try {
    const unsent = await new DynamoDeliveries(client, localTableName('audience')).unsent();
    await new SqsOutbox(sqs.client, sqs.queues.outbound.url, clock.now).enqueueEach(unsent);
    return unsent.length;
  } finally {
    client.destroy();
  }
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
