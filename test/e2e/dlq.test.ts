import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/local/child-processes';
import type { RunningGatewayInfo } from '../../lib/local/settings';
import { newMessageSid } from '../../lib/local/text-client';
import { deadLetterQueueName, queueName } from '../../lib/topology';
import { finish, kill, run, waitForOutput, waitUntil, type Running } from '../support/cli';

jest.setTimeout(120_000);

const PHONE = '+15555550173';
const OTHER_PHONE = '+15555550174';
/** The dead-lettered text's Twilio MessageSid, which the inbound queue also uses as its deduplication id. */
const MESSAGE_SID = newMessageSid();

describe('npm run dlq against a running local gateway', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let gateway: Running | undefined;
  let info: RunningGatewayInfo;
  let sqs: SQSClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-dlq-'));
    env = { PORT: String(await freePort()), DATA_DIR: dataDir, LOCAL_SCHEDULER: 'off' };
    gateway = run('bin/local.ts', [], env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    info = JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8')) as RunningGatewayInfo;
    sqs = new SQSClient({ endpoint: info.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });

  afterAll(async () => {
    sqs?.destroy();
    await kill(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  const depth = async (name: string) => {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await url(name), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };
  /** An inbound text as the webhook queues it. */
  const inbound = (from: string, messageSid: string) => JSON.stringify({ messageSid, from, to: '55155', body: 'KRUSTY', numMedia: 0, receivedAt: new Date().toISOString() });
  const outbox = async () => (await (await fetch(`${info.url}/local/outbox`)).json()) as { to: string; body: string }[];

  test('list shows a dead-lettered text with the number masked; --json --show-numbers gives it whole', async () => {
    // Prepare: a text that failed its way onto the inbound dead-letter queue
    await sqs.send(new SendMessageCommand({ QueueUrl: await url(deadLetterQueueName('inbound')), MessageBody: inbound(PHONE, MESSAGE_SID), MessageGroupId: PHONE, MessageDeduplicationId: MESSAGE_SID }));

    // Act
    const listed = await finish('bin/dlq.ts', ['list', 'inbound'], env);
    const json = await finish('bin/dlq.ts', ['list', 'inbound', '--json', '--show-numbers'], env);

    // Assess
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(/sms-gateway-local-inbound-dlq\.fifo: 1 message\(s\)/);
    expect(listed.output).toMatch(/first received \d{4}-\d\d-\d\dT[\d:.]+Z {2}received 0 time\(s\) {2}group \+1\*{6}0173/);
    expect(listed.output).toContain(`"messageSid":"${MESSAGE_SID}","from":"+1******0173"`);
    expect(listed.output).not.toContain(PHONE);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.output) as { deadLetterQueue: string; messages: { id: string; messageGroupId: string; body: string; receiveCount: number; firstReceivedAt: string }[] };
    expect(parsed.deadLetterQueue).toBe('sms-gateway-local-inbound-dlq.fifo');
    expect(parsed.messages).toHaveLength(1);
    // The first listing's look counts as one receive.
    expect(parsed.messages[0]).toMatchObject({ messageGroupId: PHONE, receiveCount: 1 });
    expect(JSON.parse(parsed.messages[0]!.body)).toMatchObject({ messageSid: MESSAGE_SID, from: PHONE, body: 'KRUSTY' });
    expect(Number.isNaN(Date.parse(parsed.messages[0]!.firstReceivedAt))).toBe(false);
  });

  test('redrive sends the text back to the inbound queue under a new deduplication id, and the gateway answers it', async () => {
    // Prepare: the inbound queue saw this deduplication id moments ago (as it has when a text fails fast), so a
    // resend under the original id would be dropped without a word
    await sqs.send(new SendMessageCommand({ QueueUrl: await url(queueName('inbound')), MessageBody: inbound(OTHER_PHONE, newMessageSid()), MessageGroupId: OTHER_PHONE, MessageDeduplicationId: MESSAGE_SID }));

    // Act
    const redriven = await finish('bin/dlq.ts', ['redrive', 'inbound'], env);
    await waitUntil('the redriven text is answered', async () => (await outbox()).some((entry) => entry.to === PHONE && /Welcome to Krusty Burger Rewards/.test(entry.body)), 20_000);

    // Assess
    expect(redriven.code).toBe(0);
    expect(redriven.output).toMatch(/Moved 1 message\(s\) from sms-gateway-local-inbound-dlq\.fifo back to sms-gateway-local-inbound\.fifo/);
    expect(await depth(deadLetterQueueName('inbound'))).toBe(0);
  });

  test('purge deletes nothing without --yes, and everything with it', async () => {
    // Prepare
    for (const page of [1, 2]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: await url(deadLetterQueueName('lunchPages')), MessageBody: JSON.stringify({ zone: 'America/Chicago', page }) }));
    }

    // Act
    const refused = await finish('bin/dlq.ts', ['purge', 'lunchPages'], env);
    const keptBeforeYes = await depth(deadLetterQueueName('lunchPages'));
    const purged = await finish('bin/dlq.ts', ['purge', 'lunchPages', '--yes'], env);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/purge deletes every message on sms-gateway-local-lunch-pages-dlq for good \(about 2 now\).*--yes/s);
    expect(keptBeforeYes).toBe(2);
    expect(purged.code).toBe(0);
    expect(purged.output).toMatch(/Deleted 2 message\(s\) from sms-gateway-local-lunch-pages-dlq/);
    expect(await depth(deadLetterQueueName('lunchPages'))).toBe(0);
  });

  test('an unknown queue is a usage error that names the queues there are', async () => {
    // Act
    const wrong = await finish('bin/dlq.ts', ['list', 'inbox'], env);

    // Assess
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/unknown queue inbox/);
    expect(wrong.output).toMatch(/QUEUE: inbound \| outbound \| lunchPages \| campaignPages \| rejectedEvents/);
  });
});
