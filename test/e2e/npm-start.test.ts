import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from '../../lib/local/settings';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../lib/local/child-processes';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Running {
  child: ChildProcess;
  output: () => string;
}

/** Runs a bin/ script the way `npm start` / `npm run text` do (tsx), with the given environment. */
function run(script: string, args: string[], env: Record<string, string>): Running {
  let output = '';
  const child = spawn(process.execPath, [TSX, script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(running.output())) {
    if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`never printed ${pattern}:\n${running.output()}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

function exited(running: Running): Promise<number | null> {
  if (running.child.exitCode !== null) return Promise.resolve(running.child.exitCode);
  return new Promise((ok) => running.child.once('exit', (code) => ok(code)));
}

async function finish(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const running = run(script, args, env);
  const code = await exited(running);
  return { code, output: running.output() };
}

/** Every process below pid, so the test can check Ctrl-C leaves none behind. */
function descendants(pid: number): number[] {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start and npm run text, as a new user runs them', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let gateway: Running | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-start-'));
    env = { PORT: String(await freePort()), DATA_DIR: dataDir, LOCAL_SCHEDULER: 'off' };
  });

  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGINT');
      await exited(gateway);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts, prints where everything is, and `npm run text -- KRUSTY` shows the welcome and the ZIP question', async () => {
    // Prepare
    gateway = run('bin/local.ts', [], env);
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

    // Act
    gateway!.child.kill('SIGINT');
    const code = await exited(gateway!);
    gateway = run('bin/local.ts', [], env);
    await waitForOutput(gateway, /Ctrl-C stops everything/);
    const texted = await finish('bin/text.ts', ['KRUSTY', '--from', '+15555550142'], env);

    // Assess
    expect(code).toBe(0);
    expect(children.length).toBeGreaterThanOrEqual(2);
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
