import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/local/child-processes';
import { startSandboxCarrier, type CarrierFault, type OutboxEntry, type SandboxCarrier } from '../../lib/local/sandbox-carrier';
import type { RunningGatewayInfo } from '../../lib/local/settings';
import { newMessageSid, sendSignedText } from '../../lib/local/text-client';
import { descendants, exited, isAlive, kill, localServers, npmStart, waitForOutput, waitUntil, type Running } from '../support/cli';
import { duplicates } from '../support/faults';
import { messageStates, unsettledStates } from '../support/reply-records';

/**
 * kill -9 of the local gateway while replies are committed but not sent, some of them in doubt (the
 * carrier took them, the gateway never heard back). The fake Twilio API belongs to the test, so it
 * outlives the gateway and tells what each subscriber received across the crash and the restart.
 */
// Generous deadlines: the machine running CI may be busy; an idle 2-core machine runs the whole file in well under a minute.
jest.setTimeout(240_000);

const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
const AUTH_TOKEN = 'crash-test-auth-token';
const SHORT_CODE = '55155';
/** New numbers texting KRUSTY; each is owed the welcome and then the ZIP question. */
const SUBSCRIBERS = 120;
/** Numbers the carrier serves before the outage: their replies are sent before the crash. */
const SERVED_BEFORE_OUTAGE = 10;
/** Sends the carrier takes without answering just before the crash: in doubt when the gateway dies. */
const HUNG = 20;

const WELCOME = /^Welcome to Krusty Burger Rewards!.*Msg&data rates may apply/s;
const ZIP_QUESTION = /^What's your 5-digit ZIP code\?/;
const UNAVAILABLE: CarrierFault = { kind: 'error', httpStatus: 503, code: 20503, message: 'Service Unavailable' };
const TAKEN_WITHOUT_ANSWER: CarrierFault = { kind: 'hang', accepted: true };

type Item = Record<string, unknown>;

/** Like waitUntil, for conditions that scan the table: every half second, so the waiting adds little load. */
async function scanUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

describe('npm start killed with SIGKILL while replies are committed but unsent', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let carrier: SandboxCarrier;
  let gateway: Running | undefined;
  let restarted: Running | undefined;
  let db: DynamoDBDocumentClient | undefined;
  const phones = Array.from({ length: SUBSCRIBERS }, (_, i) => `+1555${String(process.pid % 1000).padStart(3, '0')}${String(7000 + i)}`);
  const served = new Set(phones.slice(0, SERVED_BEFORE_OUTAGE));
  // What the test saw at the moment of the crash.
  let killedAt = 0;
  let atCarrierAtCrash: OutboxEntry[] = [];
  let crashedRun: RunningGatewayInfo;
  /** DynamoDB Local and fauxqs of the run that is killed, seen while it ran. */
  let serversAtCrash: number[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-crash-'));
    // Status callbacks off: nothing but a lookup at the carrier can tell the gateway what became of a hung send.
    carrier = await startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
    env = {
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      LOCAL_SCHEDULER: 'off',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_URL: carrier.url,
      // Short enough for CI: carrier calls give up after 0.8 s, retries come back within 2 s, claims last 5 s.
      CARRIER_TIMEOUT_MS: '800',
      RETRY_MAX_DELAY_SECONDS: '2',
      SEND_CLAIM_SECONDS: '5',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
  });

  afterAll(async () => {
    db?.destroy();
    await kill(restarted);
    await kill(gateway);
    // The children of a killed run exit on their own; a failed test must not leave one behind either.
    for (const pid of serversAtCrash) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await carrier?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const running = () => JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8')) as RunningGatewayInfo;

  function connect(info: RunningGatewayInfo): DynamoDBDocumentClient {
    db?.destroy();
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: info.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    return db;
  }

  /** Every item of the audience table whose sort key starts with `prefix` (a laptop-sized table: a Scan is fine). */
  async function scan(info: RunningGatewayInfo, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db!.send(
        new ScanCommand({
          TableName: info.tables.audience,
          FilterExpression: 'begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /**
   * KRUSTY from `from`, signed as Twilio signs it. A 503 (a dependency reported down on a busy
   * machine) is retried with the same MessageSid, as Twilio retries a webhook that failed.
   */
  async function textKrusty(info: RunningGatewayInfo, from: string): Promise<{ status: number; messageSid: string }> {
    const messageSid = newMessageSid();
    for (let attempt = 1; ; attempt += 1) {
      const sent = await sendSignedText({ gatewayUrl: info.url, publicUrl: info.publicUrl, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from, to: SHORT_CODE, body: 'KRUSTY', messageSid });
      if (sent.status !== 503 || attempt === 10) return sent;
      await new Promise((ok) => setTimeout(ok, 1_000));
    }
  }

  /** Each outbound message to these numbers, where it stands (its own record, or its turn's). */
  const outboundRecords = async (info: RunningGatewayInfo) => messageStates([...(await scan(info, 'MSG#OUT#')), ...(await scan(info, 'MSG#TURN#'))]).filter((state) => phones.includes(state.to));
  /** Without an outcome: waiting, being sent, or in doubt. */
  const unsettled = unsettledStates;

  test('with 120 opt-ins committed and the carrier down or silent, kill -9 of the gateway leaves no DynamoDB Local or fauxqs running', async () => {
    // Prepare: the carrier serves a few numbers, then answers 503 to everything
    carrier.setFaults(({ to }) => (served.has(to) ? undefined : UNAVAILABLE));
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    const info = running();
    connect(info);
    const texts = await Promise.all(phones.map((from) => textKrusty(info, from)));
    const sids = new Set(texts.map((text) => `MSG#${text.messageSid}`));
    await scanUntil('every KRUSTY is committed (its inbound log item exists)', async () => (await scan(info, 'MSG#SM')).filter((item) => sids.has(item.sk as string)).length === SUBSCRIBERS, 90_000);
    await waitUntil('the numbers the carrier serves got both replies', () => carrier.outbox().length === 2 * SERVED_BEFORE_OUTAGE, 30_000);
    // A conversation's replies are committed on its inbound log item (their records come with the first claim).
    const committed = (await scan(info, 'MSG#SM')).filter((item) => sids.has(item.sk as string)).reduce((sum, item) => sum + (item.replies as unknown[]).length, 0);
    // Then the carrier takes a few sends without answering, and the gateway dies while they hang.
    let taken = 0;
    carrier.setFaults(() => (taken++ < HUNG ? TAKEN_WITHOUT_ANSWER : UNAVAILABLE));
    await waitUntil('the carrier has taken sends it did not answer', () => carrier.attempts().filter((a) => a.fault === 'hang').length >= HUNG, 30_000);
    crashedRun = running();
    serversAtCrash = localServers(descendants(gateway.child.pid!));

    // Act
    killedAt = Date.now();
    process.kill(crashedRun.pid, 'SIGKILL');
    atCarrierAtCrash = carrier.outbox().filter((entry) => phones.includes(entry.to));
    await exited(gateway);
    // They hold a pipe from the gateway on stdin and exit when it closes: give them a moment to notice.
    await waitUntil('the killed gateway\'s children have exited', () => [...serversAtCrash, ...crashedRun.children.map((child) => child.pid)].every((pid) => !isAlive(pid))).catch(() => undefined);

    // Assess
    expect(texts.map((text) => text.status)).toEqual(phones.map(() => 200));
    expect(committed).toBe(2 * SUBSCRIBERS);
    expect(crashedRun.children.map((child) => child.name).sort()).toEqual(['dynamodb', 'sqs']);
    expect(serversAtCrash).toHaveLength(2);
    expect(serversAtCrash.filter(isAlive)).toEqual([]);
    expect(crashedRun.children.filter((child) => isAlive(child.pid))).toEqual([]);
  });

  test('npm start on the same data sends every subscriber the welcome and the ZIP question, each exactly once and in order', async () => {
    // Prepare
    expect(killedAt).toBeGreaterThan(0);
    carrier.setFaults(undefined);

    // Act
    restarted = npmStart(env);
    await waitForOutput(restarted, /Ctrl-C stops everything/);
    const info = running();
    connect(info);
    const health = (await (await fetch(`${info.url}/health`)).json()) as { queues: Record<string, string> };
    const sqs = new SQSClient({ endpoint: info.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const depth = async (queue: string) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: health.queues[queue], AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    };
    // Settled: every record has an outcome and nothing is left on the queues, twice in a row. A
    // version that loses messages never gets there: the counts below then say what was lost.
    let quiet = 0;
    const settled = await scanUntil('every outbound message has an outcome', async () => {
      const open = unsettled(await outboundRecords(info)).length + (await depth('outbound')) + (await depth('inbound'));
      quiet = open === 0 ? quiet + 1 : 0;
      return quiet >= 2;
    }, 60_000).then(() => true, () => false);
    sqs.destroy();

    // Assess
    const records = await outboundRecords(info);
    const outbox = carrier.outbox().filter((entry) => phones.includes(entry.to));
    const sentBeforeCrash = new Set(records.filter((r) => typeof r.sid === 'string' && Date.parse(r.sentAt as string) < killedAt).map((r) => r.sid));
    const takenAtCrash = new Set(atCarrierAtCrash.map((entry) => entry.sid));
    const inDoubtAtCrash = [...takenAtCrash].filter((sid) => !sentBeforeCrash.has(sid));
    const recordedSids = new Set(records.map((r) => r.sid));
    const sentAfterRestart = outbox.filter((entry) => !takenAtCrash.has(entry.sid));
    let lost = 0;
    let duplicated = 0;
    const wrong: Record<string, string[]> = {};
    for (const phone of phones) {
      const got = outbox.filter((entry) => entry.to === phone).map((entry) => entry.body);
      duplicated += duplicates(got).length;
      lost += [WELCOME, ZIP_QUESTION].filter((expected) => !got.some((body) => expected.test(body))).length;
      if (got.length !== 2 || !WELCOME.test(got[0]!) || !ZIP_QUESTION.test(got[1]!)) wrong[phone] = got;
    }
    console.log(
      `kill -9 with replies committed but unsent: ${records.length} replies committed for ${SUBSCRIBERS} new subscribers; ` +
        `${sentBeforeCrash.size} sent before the crash, ${inDoubtAtCrash.length} in doubt at the crash (taken by the carrier, unknown to the gateway), ` +
        `${sentAfterRestart.length} sent after the restart; lost ${lost}, duplicated ${duplicated}, left without an outcome ${unsettled(records).length}`,
    );
    expect({ lost, duplicated, settled }).toEqual({ lost: 0, duplicated: 0, settled: true });
    expect(wrong).toEqual({});
    expect(records).toHaveLength(2 * SUBSCRIBERS);
    expect(sentBeforeCrash.size).toBeGreaterThanOrEqual(2 * SERVED_BEFORE_OUTAGE);
    // The doubtful sends were found at the carrier and recorded, not sent again.
    expect(inDoubtAtCrash.length).toBeGreaterThan(0);
    expect(inDoubtAtCrash.filter((sid) => !recordedSids.has(sid))).toEqual([]);
    expect(sentBeforeCrash.size + inDoubtAtCrash.length + sentAfterRestart.length).toBe(2 * SUBSCRIBERS);
  });
});
