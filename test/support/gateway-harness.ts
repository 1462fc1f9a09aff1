import type { FunnelReport } from '../../functions/domain/funnel-report';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sqsMessageBody } from '../../functions/adapters/sqs-body';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { messageStates, unsettledStates, type MessageState } from './reply-records';
import type { ConsentEvent } from '../../functions/domain/audience';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGateway, type LocalGateway } from '../../lib/local/gateway';
import { startSandboxCarrier, type OutboxEntry, type SandboxCarrier } from '../../lib/local/sandbox-carrier';
import { sendSignedText } from '../../lib/local/text-client';
import { deadLetterQueueName, functionEntries, type QueueName } from '../../lib/topology';

export const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const AUTH_TOKEN = 'e2e-auth-token';
export const SHORT_CODE = '55155';

/**
 * The local gateway on a free port, sending through a fake Twilio API owned by the test, with its
 * own data directory; `close` removes everything it started.
 */
export class GatewayHarness {
  private constructor(
    readonly gateway: LocalGateway,
    readonly twilio: SandboxCarrier,
    readonly db: DynamoDBDocumentClient,
    private readonly sqs: SQSClient,
    private readonly dataDir: string,
    private readonly finished: Map<string, number>,
  ) {}

  /** `logLevel`: the handlers' Powertools log level (default SILENT: tests read state, not logs). */
  static async start(options: { logLevel?: string } = {}): Promise<GatewayHarness> {
    const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-e2e-'));
    /** Invocations each function has finished (whatever their outcome). */
    const finished = new Map<string, number>();
    const twilio = await startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const gateway = await startLocalGateway({
      port: 0,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      twilioApiUrl: twilio.url,
      dataDir,
      scheduler: false,
      logLevel: options.logLevel ?? 'SILENT',
      onInvocation: (functionName) => finished.set(functionName, (finished.get(functionName) ?? 0) + 1),
    }).catch(async (error: unknown) => {
      // A gateway that cannot start must not leave the fake Twilio API holding the test run open.
      await twilio.close();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    });
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: gateway.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    const sqs = new SQSClient({ endpoint: gateway.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return new GatewayHarness(gateway, twilio, db, sqs, dataDir, finished);
  }

  async close(): Promise<void> {
    this.db.destroy();
    this.sqs.destroy();
    await this.gateway.stop();
    await this.twilio.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  text(from: string, body: string, options: { messageSid?: string; to?: string } = {}) {
    return sendSignedText({
      gatewayUrl: this.gateway.url,
      publicUrl: this.gateway.publicUrl,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      from,
      to: options.to ?? SHORT_CODE,
      body,
      ...(options.messageSid ? { messageSid: options.messageSid } : {}),
    });
  }

  /** What the fake Twilio API received for one number, oldest first. */
  received(to: string): OutboxEntry[] {
    return this.twilio.outbox().filter((entry) => entry.to === to);
  }

  /** Waits until `to` has received `count` messages in all, and returns them. */
  async waitForMessages(to: string, count: number, timeoutMs = 15_000): Promise<OutboxEntry[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const messages = this.received(to);
      if (messages.length >= count) return messages;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`expected ${count} message(s) to ${to}, got ${this.received(to).length}: ${JSON.stringify(this.received(to).map((m) => m.body))}`);
  }

  /**
   * Texts, then waits until the gateway has finished with that text (its inbound log item exists and
   * the outbound queue has drained), so "no reply" is a real observation and not impatience.
   */
  async textAndSettle(from: string, body: string, options: { messageSid?: string } = {}): Promise<string> {
    const sent = await this.text(from, body, options);
    if (sent.status !== 200) throw new Error(`webhook answered ${sent.status}: ${sent.body}`);
    await this.waitUntil(async () => (await this.items(from, `MSG#${sent.messageSid}`)).length > 0);
    await this.waitUntil(async () => (await this.queueDepth('inbound')) === 0 && (await this.queueDepth('outbound')) === 0);
    return sent.messageSid;
  }

  /** Texts, then waits (without waiting for the queues to drain) until the gateway handled that text. */
  async textHandled(from: string, body: string, timeoutMs = 60_000): Promise<string> {
    const sent = await this.text(from, body);
    if (sent.status !== 200) throw new Error(`webhook answered ${sent.status}: ${sent.body}`);
    await this.waitUntil(async () => (await this.items(from, `MSG#${sent.messageSid}`)).length > 0, timeoutMs);
    return sent.messageSid;
  }

  /** Outbound messages without an outcome yet (waiting, being sent, or in doubt), across all numbers. */
  async unsettledOutbound(): Promise<number> {
    return (await this.unsettledRecords()).length;
  }

  /**
   * A text as it was written before its URLs became short links: each `{linkBase}/{id}` back to its
   * link's URL (read from the link's record, not followed: no click is counted), without the UTM tags.
   */
  async unshortened(body: string): Promise<string> {
    const base = this.gateway.linkBase.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    let result = body;
    for (const [short, id] of body.matchAll(new RegExp(`${base}/(\\w{8})`, 'g'))) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.gateway.tables.audience, Key: { pk: `LINK#${id}`, sk: 'LINK' }, ConsistentRead: true }));
      if (!Item) throw new Error(`no link record for ${short}`);
      result = result.replace(short, withoutUtm(String(Item.url)));
    }
    return result;
  }

  /** The recipients of outbound messages without an outcome yet, one entry per message (its own record, or its turn's). */
  async unsettledRecords(): Promise<{ to: string; sk: string; status: string }[]> {
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.gateway.tables.audience,
          FilterExpression: 'begins_with(sk, :outbound) OR begins_with(sk, :turn)',
          ExpressionAttributeValues: { ':outbound': 'MSG#OUT#', ':turn': 'MSG#TURN#' },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return unsettledStates(messageStates(items)).map(({ to, id, status }) => ({ to, sk: id, status }));
  }

  /** What was published on the local bus about one number. */
  async publishedEvents(phone: string): Promise<{ source: string; detailType: string; detail: Record<string, unknown> }[]> {
    const events = (await (await fetch(`${this.gateway.url}/local/events`)).json()) as { source: string; detailType: string; detail: Record<string, unknown> }[];
    return events.filter((event) => event.detail.phone === phone);
  }

  async items(phone: string, skPrefix = ''): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.gateway.tables.audience,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PHONE#${phone}`, ...(skPrefix ? { ':prefix': skPrefix } : {}) },
        ConsistentRead: true,
      }),
    );
    return Items;
  }

  /** Where each outbound message to the number stands (its own record, or its turn's). */
  async messageStates(phone: string): Promise<MessageState[]> {
    return messageStates([...(await this.items(phone, 'MSG#OUT#')), ...(await this.items(phone, 'MSG#TURN#'))]);
  }

  /** The number's consent ledger, oldest first (what the store keeps on its subscriptions, and any stray ledger items). */
  async consentLedger(phone: string): Promise<ConsentEvent[]> {
    return new DynamoConversationStore(this.db, this.gateway.tables.audience).consentLedger(phone);
  }

  async order(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.gateway.tables.audience, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' }, ConsistentRead: true }));
    return Item;
  }

  async coupon(code: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.gateway.tables.audience, Key: { pk: `COUPON#${code}`, sk: 'COUPON' }, ConsistentRead: true }));
    return Item;
  }

  /** Messages on a queue nobody consumes (rejected events), read without removing them for good. */
  async peek(queue: QueueName): Promise<string[]> {
    const { Messages = [] } = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.gateway.queues[queue], MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
    return Messages.map((message) => message.Body ?? '');
  }

  /** What a queue redelivers after its deduplication window: the same body under a deduplication id it has not seen. */
  async lateReplay(queue: 'inbound' | 'outbound', body: unknown, group: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.gateway.queues[queue],
        MessageBody: sqsMessageBody(body),
        MessageGroupId: group,
        MessageDeduplicationId: `late-replay-${Math.random().toString(36).slice(2)}`,
      }),
    );
  }

  /** The orders of the purchases waiting for this number's opt-in (parked at its subscription keys). */
  async parkedOrders(phone: string): Promise<string[]> {
    const items = await this.items(phone, 'STATE#PROGRAM#');
    return items.flatMap((item) => ((item.parked ?? []) as { purchase: { orderId: string } }[]).map((parked) => parked.purchase.orderId));
  }

  async subscription(phone: string, programId = 'krusty-burger'): Promise<Record<string, unknown> | undefined> {
    return (await this.items(phone, `STATE#PROGRAM#${programId}`))[0];
  }

  /** Subscribes a new number at `at` (the clock is left there) and answers the ZIP question with `zip`. */
  async subscriberAt(zip: string, at: string): Promise<string> {
    const phone = newPhone();
    await this.setClock(at);
    await this.textAndSettle(phone, 'KRUSTY');
    await this.textAndSettle(phone, zip);
    return phone;
  }

  /** PUT /local/clock: every component reads this time from now on (null = real time). */
  async setClock(now: string | null): Promise<void> {
    const response = await fetch(`${this.gateway.url}/local/clock`, { method: 'PUT', body: JSON.stringify({ now }) });
    if (!response.ok) throw new Error(`clock: ${response.status} ${await response.text()}`);
  }

  /** POST /local/schedules/{name}, then waits until everything it set off has been sent. */
  async fireSchedule(name: string): Promise<void> {
    const response = await fetch(`${this.gateway.url}/local/schedules/${name}`, { method: 'POST' });
    if (!response.ok) throw new Error(`schedule ${name}: ${response.status} ${await response.text()}`);
    await this.settle();
  }

  /**
   * Waits until the stats writer has finished with every event the bus delivered to it so far (after
   * the queues are quiet): the funnel report then holds everything that happened.
   */
  async statsSettled(): Promise<void> {
    await this.settle();
    await this.waitUntil(async () => {
      const published = (await (await fetch(`${this.gateway.url}/local/events`)).json()) as { deliveredTo: string[] }[];
      const delivered = published.filter((event) => event.deliveredTo.includes('recordStats')).length;
      return (this.finished.get('recordStats') ?? 0) >= delivered;
    }, 30_000);
  }

  /** GET /local/report (the funnel report as JSON), once the stats writer has caught up. */
  async report(query = ''): Promise<FunnelReport> {
    await this.statsSettled();
    const response = await fetch(`${this.gateway.url}/local/report${query}`);
    if (!response.ok) throw new Error(`report: ${response.status} ${await response.text()}`);
    return (await response.json()) as FunnelReport;
  }

  /** POST /local/events, as a POS would publish on the bus. */
  async publish(source: string, detailType: string, detail: unknown): Promise<string[]> {
    const response = await fetch(`${this.gateway.url}/local/events`, { method: 'POST', body: JSON.stringify({ source, detailType, detail }) });
    if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { deliveredTo: string[] }).deliveredTo;
  }

  /** Waits until no consumed queue holds anything: the gateway has done all it was asked to. */
  async settle(): Promise<void> {
    const queues = functionEntries().flatMap(([, spec]) => (spec.trigger.kind === 'queue' ? [spec.trigger.queue] : []));
    let quietChecks = 0;
    // Twice in a row: a page handler may be between receiving one message and queuing the next.
    await this.waitUntil(async () => {
      const depths = await Promise.all(queues.map((queue) => this.queueDepth(queue)));
      quietChecks = depths.every((depth) => depth === 0) ? quietChecks + 1 : 0;
      return quietChecks >= 2;
    }, 30_000);
  }

  /** Messages a consumer gave up on (moved to the queue's dead-letter queue after maxReceiveCount). */
  async deadLetters(queue: QueueName): Promise<number> {
    const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName(queue) }));
    return this.depthOf(QueueUrl!);
  }

  async queueDepth(queue: QueueName): Promise<number> {
    return this.depthOf(this.gateway.queues[queue]);
  }

  /** Messages waiting or in flight on a queue. */
  private async depthOf(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  async waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition()) return;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('condition not met in time');
  }
}

/** A URL without its utm_* parameters, the rest as it was. */
function withoutUtm(url: string): string {
  const [beforeHash, ...hash] = url.split('#');
  const [path, query] = beforeHash!.split('?');
  const kept = (query ?? '').split('&').filter((pair) => pair && !pair.startsWith('utm_'));
  return `${path}${kept.length ? `?${kept.join('&')}` : ''}${hash.length ? `#${hash.join('#')}` : ''}`;
}

let counter = 0;
/** A fresh US number per test, so tests never see each other's state. */
export function newPhone(): string {
  counter += 1;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(4, '0')}`;
}
