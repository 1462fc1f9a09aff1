/**
 * The one source of truth for what runs and what triggers it. The CDK stack and the local runtime
 * both read this, so a route, queue, schedule or rule cannot exist in one and not the other.
 */
import { DOMAIN_EVENT_TYPES, EVENT_SOURCE } from '../functions/domain/events';

export type TableName = 'catalog' | 'audience' | 'stats';
export type QueueName = 'inbound' | 'outbound' | 'lunchPages' | 'campaignPages' | 'rejectedEvents';

export interface TableSpec {
  /** Environment variable through which functions learn the table's name. */
  env: string;
  partitionKey: string;
  sortKey: string;
  /** Attribute DynamoDB expires items by, when the table has one. */
  timeToLiveAttribute?: string;
  /** Read whole with Scan (small and read-mostly); other tables are only ever read by key. */
  readWhole?: true;
  /** Global secondary indexes by name, with what they project: only the keys, or every attribute. */
  indexes?: Record<string, { partitionKey: string; sortKey: string; projection: 'KEYS_ONLY' | 'ALL' }>;
}

export interface QueueSpec {
  env: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
}

export type Trigger =
  /** `path` may have parameter segments, `{name}`, each one whole segment (the handler finds them in pathParameters). */
  | {
      kind: 'http';
      method: 'POST' | 'GET';
      path: string;
      /**
       * 'staff': only signed-in staff reach it (in AWS a JWT authorizer of the console's Cognito user
       * pool; locally the gateway listens on 127.0.0.1 only). Every route that answers with
       * subscribers' or the business's data has it; webhooks check Twilio's signature instead.
       */
      auth?: 'staff';
    }
  | {
      kind: 'queue';
      queue: QueueName;
      batchSize: number;
      /** Most concurrent invocations the event source mapping starts (AWS only; 2–1000); unset: no cap. */
      maxConcurrency?: number;
    }
  | { kind: 'schedule'; name: string; expression: string }
  | { kind: 'rule'; name: string; source: string[]; detailType: string[] };

export interface FunctionSpec {
  /** Handler file, relative to the repository root; it exports `handler`. */
  entry: string;
  trigger: Trigger;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * What the function does to each table: read items, or also write them; `deletes` when it removes
   * items too; `batchReads` when it reads many items by key in one request (BatchGetItem); `scans`
   * when it pages through a table that is otherwise read by key with Scan (the console's subscriber list, a
   * marketer's plan over a program's audience). `update`: only UpdateItem (which may answer with the item it
   * wrote), no other read or write.
   */
  tables: { name: TableName; access: 'read' | 'readWrite' | 'update'; deletes?: true; batchReads?: true; scans?: true }[];
  sendsTo: QueueName[];
  /** Publishes domain events on the gateway's bus. */
  publishesEvents: boolean;
  /** Needs the Twilio credentials (signature checks or sending). */
  twilio: boolean;
  /** Enforces the stage's opt-in ceiling (optInsPerMinute / optInsPerDay, given in its environment). */
  optInCeiling?: boolean;
  /**
   * Hands messages to the carrier at the stage's pace (senderMps): its queue trigger's maximum
   * concurrency and each instance's share of the rate follow from it (functions/shared/sender-pace.ts).
   */
  pacesCarrier?: true;
  /** Turns the URLs of the texts it sends into short links: given the stage's link base and link lifetime. */
  shortensLinks?: true;
  /** Measures copy as it will be sent (its URLs as short links): given the stage's link base only. */
  measuresCopy?: true;
  /** Plans how a send drains through the short code: given the stage's sender rate (senderMps). */
  plansWaves?: true;
  /**
   * Reads what queues hold without consuming it (ReceiveMessage with a visibility timeout of 0, and
   * GetQueueAttributes for the counts): `queues` themselves, and the dead-letter queues of `deadLetters`.
   */
  peeks?: { queues: QueueName[]; deadLetters: QueueName[] };
  /** Serves the console's static files: console/ (and chart.js's browser build) is copied into its bundle. */
  servesConsole?: true;
}

export const tables: Record<TableName, TableSpec> = {
  catalog: { env: 'CATALOG_TABLE', partitionKey: 'pk', sortKey: 'sk', readWhole: true },
  audience: {
    env: 'AUDIENCE_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    // Sparse: only live subscriptions carry zoneKey, so the lunch fan-out pages through exactly them.
    // Keys only: the marketing sends that rewrite a subscription do not rewrite its index entry too.
    indexes: { byZone: { partitionKey: 'zoneKey', sortKey: 'phone', projection: 'KEYS_ONLY' } },
  },
  // The funnel's counters (per program and local day, per campaign), kept by the stats writer from the
  // domain events; no subscriber's number in it (the recent-campaign marks key a hash of it).
  stats: { env: 'STATS_TABLE', partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'expiresAt' },
};

export const functions = {
  receiveSms: {
    entry: 'functions/handlers/receive-sms.ts',
    trigger: { kind: 'http', method: 'POST', path: '/sms' },
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [],
    sendsTo: ['inbound'],
    publishesEvents: false,
    twilio: true,
  },
  trackDelivery: {
    entry: 'functions/handlers/track-delivery.ts',
    trigger: { kind: 'http', method: 'POST', path: '/sms/status' },
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ name: 'audience', access: 'readWrite' }],
    sendsTo: [],
    publishesEvents: true,
    twilio: true,
  },
  converse: {
    entry: 'functions/handlers/converse.ts',
    trigger: { kind: 'queue', queue: 'inbound', batchSize: 10 },
    timeoutSeconds: 20,
    memoryMb: 512,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'audience', access: 'readWrite' },
    ],
    sendsTo: ['outbound'],
    publishesEvents: true,
    twilio: false,
    optInCeiling: true,
  },
  sendSms: {
    entry: 'functions/handlers/send-sms.ts',
    // Paced to the short code: the stage's senderMps sets the trigger's maximum concurrency and each
    // invocation's share of the rate, so together they never hand the carrier more than it takes.
    trigger: { kind: 'queue', queue: 'outbound', batchSize: 10 },
    pacesCarrier: true,
    shortensLinks: true,
    timeoutSeconds: 20,
    memoryMb: 256,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'audience', access: 'readWrite' },
    ],
    // The profile question riding along a marketing message goes out as a message of its own.
    sendsTo: ['outbound'],
    publishesEvents: true,
    twilio: true,
  },
  followLink: {
    entry: 'functions/handlers/follow-link.ts',
    // Public by design: subscribers tap it in a text (no signature to check); ids are unguessable.
    trigger: { kind: 'http', method: 'GET', path: '/l/{id}' },
    timeoutSeconds: 10,
    memoryMb: 256,
    // One UpdateItem counts the click and answers where the link goes.
    tables: [{ name: 'audience', access: 'update' }],
    sendsTo: [],
    publishesEvents: true,
    twilio: false,
  },
  sendFollowUps: {
    entry: 'functions/handlers/send-follow-ups.ts',
    trigger: { kind: 'schedule', name: 'follow-ups', expression: 'rate(1 minute)' },
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: [{ name: 'audience', access: 'readWrite', deletes: true }],
    sendsTo: ['outbound'],
    publishesEvents: false,
    twilio: false,
  },
  dispatchLunch: {
    entry: 'functions/handlers/dispatch-lunch.ts',
    trigger: { kind: 'schedule', name: 'lunch-coupons', expression: 'rate(15 minutes)' },
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: [{ name: 'catalog', access: 'read' }, { name: 'audience', access: 'readWrite' }],
    sendsTo: ['lunchPages'],
    publishesEvents: false,
    twilio: false,
  },
  issueLunchCoupons: {
    entry: 'functions/handlers/issue-lunch-coupons.ts',
    trigger: { kind: 'queue', queue: 'lunchPages', batchSize: 1 },
    timeoutSeconds: 90,
    memoryMb: 512,
    tables: [
      { name: 'catalog', access: 'read' },
      // batchReads: a page's subscriptions, read whole behind the keys-only byZone index.
      { name: 'audience', access: 'readWrite', batchReads: true },
    ],
    sendsTo: ['outbound', 'lunchPages'],
    publishesEvents: true,
    twilio: false,
  },
  dispatchCampaigns: {
    entry: 'functions/handlers/dispatch-campaigns.ts',
    trigger: { kind: 'schedule', name: 'campaigns', expression: 'rate(15 minutes)' },
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: [{ name: 'catalog', access: 'read' }, { name: 'audience', access: 'readWrite' }],
    sendsTo: ['campaignPages'],
    publishesEvents: false,
    twilio: false,
  },
  sendCampaignPages: {
    entry: 'functions/handlers/send-campaign-pages.ts',
    trigger: { kind: 'queue', queue: 'campaignPages', batchSize: 1 },
    timeoutSeconds: 90,
    memoryMb: 512,
    tables: [
      { name: 'catalog', access: 'read' },
      // batchReads: a page's subscriptions, read whole behind the keys-only byZone index.
      { name: 'audience', access: 'readWrite', batchReads: true },
    ],
    sendsTo: ['outbound', 'campaignPages'],
    publishesEvents: true,
    twilio: false,
  },
  handlePurchase: {
    entry: 'functions/handlers/handle-purchase.ts',
    trigger: { kind: 'rule', name: 'purchase-completed', source: ['pos'], detailType: ['PurchaseCompleted'] },
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'audience', access: 'readWrite' },
    ],
    sendsTo: ['outbound', 'rejectedEvents'],
    publishesEvents: true,
    twilio: false,
  },
  recordStats: {
    entry: 'functions/handlers/record-stats.ts',
    // Every domain event the gateway publishes, counted once per event id (the funnel report's figures).
    trigger: { kind: 'rule', name: 'funnel-stats', source: [EVENT_SOURCE], detailType: [...DOMAIN_EVENT_TYPES] },
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'stats', access: 'readWrite' },
    ],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  // The console (console/): a static page and its files; its data comes from the /api functions.
  consolePage: {
    entry: 'functions/handlers/console-files.ts',
    trigger: { kind: 'http', method: 'GET', path: '/' },
    servesConsole: true,
    timeoutSeconds: 10,
    memoryMb: 128,
    tables: [],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  consoleAsset: {
    entry: 'functions/handlers/console-files.ts',
    trigger: { kind: 'http', method: 'GET', path: '/console/{file}' },
    servesConsole: true,
    timeoutSeconds: 10,
    memoryMb: 128,
    tables: [],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  // The console's subscriber API: read-only, staff only (a JWT authorizer in AWS; the local gateway is 127.0.0.1).
  subscribersList: {
    entry: 'functions/handlers/console-subscribers.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/subscribers', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    // scans: a page of subscriptions is a Scan (filtered to subscription items), a few MB at most a request.
    tables: [{ name: 'audience', access: 'read', scans: true }],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  // The console's read-only JSON API for marketers (GET, least-privilege reads; see console/).
  apiCatalog: {
    entry: 'functions/handlers/api-catalog.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/catalog', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    // Every item as stored (a Scan: the catalog is read whole), so broken ones are reported too.
    tables: [{ name: 'catalog', access: 'read' }],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
    measuresCopy: true,
  },
  apiCampaigns: {
    entry: 'functions/handlers/api-campaigns.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/campaigns', auth: 'staff' },
    // A plan reads its program's whole audience once (as `npm run campaign -- plan`): within API Gateway's 30 s.
    timeoutSeconds: 29,
    memoryMb: 1024,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'audience', access: 'read', scans: true },
      { name: 'stats', access: 'read' },
    ],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
    measuresCopy: true,
    plansWaves: true,
  },
  apiReport: {
    entry: 'functions/handlers/api-report.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/report', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { name: 'catalog', access: 'read' },
      { name: 'stats', access: 'read' },
    ],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  subscriberDetail: {
    entry: 'functions/handlers/console-subscribers.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/subscribers/{ref}', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    // batchReads: the number's coupons, by code, with their redemption.
    tables: [{ name: 'audience', access: 'read', batchReads: true }],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  subscriberMessages: {
    entry: 'functions/handlers/console-subscribers.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/subscribers/{ref}/messages', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ name: 'audience', access: 'read' }],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
  },
  apiProblems: {
    entry: 'functions/handlers/api-problems.ts',
    trigger: { kind: 'http', method: 'GET', path: '/api/problems', auth: 'staff' },
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [],
    sendsTo: [],
    publishesEvents: false,
    twilio: false,
    // Rejected POS events where they wait, and every queue's dead letters: looked at, never taken.
    peeks: { queues: ['rejectedEvents'], deadLetters: ['inbound', 'outbound', 'lunchPages', 'campaignPages', 'rejectedEvents'] },
  },
} satisfies Record<string, FunctionSpec>;

/**
 * A queue's visibility timeout is at least this many times its consumer's function timeout, as AWS
 * advises for Lambda event sources: a message must never reappear while a (retried) invocation may
 * still be working on it. Consumers bring failed messages back sooner themselves when they can.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The longest timeout of the functions a queue triggers (30 s for a queue nobody consumes automatically). */
function consumerTimeoutSeconds(queue: QueueName): number {
  const consumers = Object.values(functions as Record<string, FunctionSpec>).filter((f) => f.trigger.kind === 'queue' && f.trigger.queue === queue);
  return Math.max(30 / VISIBILITY_TIMEOUT_FACTOR, ...consumers.map((f) => f.timeoutSeconds));
}

const visibility = (queue: QueueName) => VISIBILITY_TIMEOUT_FACTOR * consumerTimeoutSeconds(queue);

export const queues: Record<QueueName, QueueSpec> = {
  // FIFO so one sender's messages are handled one at a time, in order.
  inbound: { env: 'INBOUND_QUEUE_URL', fifo: true, visibilityTimeoutSeconds: visibility('inbound'), maxReceiveCount: 5 },
  // FIFO grouped by recipient so the welcome always lands before the first question. Sending is
  // idempotent per message id, so a carrier outage may retry a message many times (with growing
  // delays, about 15 minutes in all) before it is dead-lettered for a redrive.
  outbound: { env: 'OUTBOUND_QUEUE_URL', fifo: true, visibilityTimeoutSeconds: visibility('outbound'), maxReceiveCount: 20 },
  // One message per page of a time zone's audience, so a million subscribers never meet the Lambda time limit.
  lunchPages: { env: 'LUNCH_PAGES_QUEUE_URL', fifo: false, visibilityTimeoutSeconds: visibility('lunchPages'), maxReceiveCount: 3 },
  // One message per page of a zone's share of a campaign, like the lunch pages.
  campaignPages: { env: 'CAMPAIGN_PAGES_QUEUE_URL', fifo: false, visibilityTimeoutSeconds: visibility('campaignPages'), maxReceiveCount: 3 },
  // Events that can never be processed (a POS event that fails validation), with the reason: for people.
  rejectedEvents: { env: 'REJECTED_EVENTS_QUEUE_URL', fifo: false, visibilityTimeoutSeconds: visibility('rejectedEvents'), maxReceiveCount: 5 },
};

export type FunctionName = keyof typeof functions;

/** Functions learn the bus they publish on through this variable. */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

export function functionEntries(): [FunctionName, FunctionSpec][] {
  return Object.entries(functions) as [FunctionName, FunctionSpec][];
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export function queueName(queue: QueueName, stage = 'local'): string {
  return `sms-gateway-${stage}-${kebab(queue)}${queues[queue].fifo ? '.fifo' : ''}`;
}

/** The variable through which a function that peeks at a queue's dead-letter queue learns its URL. */
export function deadLetterEnv(queue: QueueName): string {
  return queues[queue].env.replace(/_QUEUE_URL$/, '_DLQ_URL');
}

export function deadLetterQueueName(queue: QueueName, stage = 'local'): string {
  return `sms-gateway-${stage}-${kebab(queue)}-dlq${queues[queue].fifo ? '.fifo' : ''}`;
}
