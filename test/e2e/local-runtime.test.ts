import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGateway, type LocalGateway } from '../../lib/local/gateway';
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from '../../lib/local/settings';
import type { DependencyFailedError } from '../../lib/local/supervisor';
import { sendSignedText } from '../../lib/local/text-client';

jest.setTimeout(120_000);

const PHONE = '+15555550161';

interface HealthBody {
  status: string;
  down: string[];
  dependencies: Record<string, { state: string; problem?: string; endpoint?: string; pid?: number; restarts?: number; url?: string }>;
  queues: Record<string, string>;
}

/** Whether host:port accepts a TCP connection. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

describe('the local gateway tells the truth about what it depends on', () => {
  let gateway: LocalGateway;
  let dataDir: string;
  const handlerErrors: unknown[] = [];
  const logged: string[] = [];
  const fatal: DependencyFailedError[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-runtime-'));
    gateway = await startLocalGateway({
      port: 0,
      accountSid: SANDBOX_ACCOUNT_SID,
      authToken: SANDBOX_AUTH_TOKEN,
      dataDir,
      scheduler: false,
      logLevel: 'SILENT',
      onError: (error) => handlerErrors.push(error),
      log: (line) => logged.push(line),
      onFatal: (error) => fatal.push(error),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function health(): Promise<{ status: number; body: HealthBody }> {
    const response = await fetch(`${gateway.url}/health`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  }

  /** Polls /health until it answers `status`, and returns what it said then. */
  async function healthBecomes(status: number, timeoutMs = 30_000): Promise<HealthBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await health();
      if (answer.status === status) return answer.body;
      if (Date.now() > deadline) throw new Error(`/health never answered ${status}: ${JSON.stringify(answer.body)}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  const text = (body: string) => sendSignedText({ gatewayUrl: gateway.url, publicUrl: gateway.publicUrl, accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, from: PHONE, to: '55155', body });

  /** Waits until PHONE has received a message matching `pattern`, and returns everything it received. */
  async function replyMatching(pattern: RegExp, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const bodies = ((await (await fetch(`${gateway.url}/local/outbox`)).json()) as { to: string; body: string }[]).filter((entry) => entry.to === PHONE).map((entry) => entry.body);
      if (bodies.some((body) => pattern.test(body))) return bodies;
      if (Date.now() > deadline) throw new Error(`no reply matching ${pattern}: ${JSON.stringify(bodies)}; handler errors: ${handlerErrors.map(String).join('; ')}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }

  /**
   * Waits until the inbound and outbound queues are empty: the last text is fully handled (its reply sent and
   * logged). A handler cut off by a dependency's death retries after the visibility timeout, as in AWS.
   */
  async function settled(): Promise<void> {
    const sqs = new SQSClient({ endpoint: gateway.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const depth = async (url: string) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    };
    try {
      const deadline = Date.now() + 20_000;
      while ((await depth(gateway.queues.inbound)) + (await depth(gateway.queues.outbound)) > 0) {
        if (Date.now() > deadline) throw new Error('the queues never drained');
        await new Promise((ok) => setTimeout(ok, 100));
      }
    } finally {
      sqs.destroy();
    }
  }

  const childPid = (name: string) => gateway.children().find((child) => child.name === name)!.pid;

  test('GET /health answers 200 with every dependency and its state', async () => {
    // Act
    const { status, body } = await health();

    // Assess
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.down).toEqual([]);
    expect(Object.fromEntries(Object.entries(body.dependencies).map(([name, dependency]) => [name, dependency.state]))).toEqual({
      dynamodb: 'up',
      sqs: 'up',
      carrier: 'up',
      bus: 'up',
      scheduler: 'up',
    });
    expect(body.dependencies.dynamodb).toMatchObject({ endpoint: gateway.dynamodbEndpoint, pid: childPid('dynamodb'), restarts: 0 });
    expect(body.dependencies.sqs).toMatchObject({ endpoint: gateway.sqsEndpoint, pid: childPid('sqs'), restarts: 0 });
  });

  test('DynamoDB Local, fauxqs, the sandbox carrier and the gateway take connections on 127.0.0.1 only', async () => {
    // Prepare
    const outside = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal)?.address;
    const carrierUrl = (await health()).body.dependencies.carrier!.url!;
    const ports = Object.fromEntries([['dynamodb', gateway.dynamodbEndpoint], ['sqs', gateway.sqsEndpoint], ['carrier', carrierUrl], ['gateway', gateway.url]].map(([name, url]) => [name, Number(new URL(url!).port)]));

    // Act
    const reachable = async (host: string) => Object.fromEntries(await Promise.all(Object.entries(ports).map(async ([name, port]) => [name, await accepts(host, port)] as const)));
    const onLoopback = await reachable('127.0.0.1');
    const fromOutside = await reachable(outside!);

    // Assess
    expect(outside).toBeDefined();
    expect(onLoopback).toEqual({ dynamodb: true, sqs: true, carrier: true, gateway: true });
    expect(fromOutside).toEqual({ dynamodb: false, sqs: false, carrier: false, gateway: false });
  });

  test('while DynamoDB Local is dead, /health and POST /sms answer 503 naming it; it comes back on the same endpoint with its data', async () => {
    // Prepare
    expect((await text('KRUSTY')).status).toBe(200);
    await replyMatching(/ZIP code/);
    await settled();
    const killed = childPid('dynamodb');

    // Act
    process.kill(killed, 'SIGKILL');
    const down = await healthBecomes(503);
    const refused = await text('HELP');
    const back = await healthBecomes(200);
    const again = await text('KRUSTY');
    const replies = await replyMatching(/already/);

    // Assess
    expect(down.status).toBe('down');
    expect(down.down).toEqual(['dynamodb']);
    // Whichever saw it first says why: the health check's failed request or the supervisor's restart.
    expect(down.dependencies.dynamodb).toMatchObject({ state: expect.stringMatching(/^(down|restarting)$/), problem: expect.any(String) });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ down: ['dynamodb'] });
    expect(back.dependencies.dynamodb).toMatchObject({ state: 'up', endpoint: gateway.dynamodbEndpoint, restarts: 1 });
    expect(back.dependencies.dynamodb!.pid).not.toBe(killed);
    expect(again.status).toBe(200);
    expect(replies.filter((body) => /Krusty Burger Rewards: Help/.test(body))).toEqual([]);
    expect(logged.join('\n')).toMatch(/DynamoDB Local was killed \(SIGKILL\); restarting it on the same port/);
    expect(fatal).toEqual([]);
  });

  test('a DynamoDB Local that stops answering is reported down within the health check\'s timeout, and webhooks are refused', async () => {
    // Prepare
    const hung = childPid('dynamodb');

    // Act
    process.kill(hung, 'SIGSTOP');
    let down!: HealthBody;
    let refused!: Awaited<ReturnType<typeof text>>;
    try {
      down = await healthBecomes(503);
      refused = await text('HELP');
    } finally {
      process.kill(hung, 'SIGCONT');
    }
    await healthBecomes(200);

    // Assess
    expect(down.down).toEqual(['dynamodb']);
    expect(down.dependencies.dynamodb).toMatchObject({ state: 'down', problem: 'no answer within 1000 ms', pid: hung });
    expect(refused.status).toBe(503);
  });

  test('when fauxqs dies it is restarted with the same queue URLs, and texts are answered again', async () => {
    // Prepare
    const killed = childPid('sqs');

    // Act
    process.kill(killed, 'SIGKILL');
    const down = await healthBecomes(503);
    const back = await healthBecomes(200);
    const sent = await text('HELP');
    await replyMatching(/Krusty Burger Rewards: Help/);

    // Assess
    expect(down.down).toEqual(['sqs']);
    expect(back.dependencies.sqs).toMatchObject({ state: 'up', endpoint: gateway.sqsEndpoint, restarts: 1 });
    expect(back.dependencies.sqs!.pid).not.toBe(killed);
    expect(back.queues).toEqual(gateway.queues);
    expect(sent.status).toBe(200);
    expect(logged.join('\n')).toMatch(/unsent outbound message\(s\) queued again from their records; the other messages they held when it died are lost/);
    expect(fatal).toEqual([]);
  });
});
