import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { commandLine, isAlive } from '../../lib/local/child-processes';

export const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface Running {
  child: ChildProcess;
  output: () => string;
}

function collect(child: ChildProcess): Running {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Runs a bin/ script the way `npm run text` and friends do (tsx), with the given environment. */
export function run(script: string, args: string[], env: Record<string, string>): Running {
  return collect(spawn(process.execPath, [TSX, script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * `npm start` itself, in a process group of its own as a terminal gives it: a signal to its pid is what
 * systemd, docker or CI send, a signal to the group (-pid) is what Ctrl-C sends.
 */
export function npmStart(env: Record<string, string>): Running {
  return collect(spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

export async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(running.output())) {
    if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`never printed ${pattern}:\n${running.output()}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

export function exited(running: Running): Promise<number | null> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return Promise.resolve(running.child.exitCode);
  return new Promise((ok) => running.child.once('exit', (code) => ok(code)));
}

export async function finish(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const running = run(script, args, env);
  const code = await exited(running);
  return { code, output: running.output() };
}

/** Every process below pid, so a test can check that stopping leaves none behind. */
export function descendants(pid: number): number[] {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** The pids among `pids` that run java or fauxqs: the children `npm start` must never leave behind. */
export function localServers(pids: number[]): number[] {
  return pids.filter((pid) => /java|fauxqs-server/.test(commandLine(pid) ?? ''));
}

/** Waits until `condition` holds; throws `what` at the deadline. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** Stops whatever of `running` (and its group) is left, for afterAll. */
export async function kill(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
  const done = exited(running);
  try {
    process.kill(-running.child.pid!, 'SIGINT');
  } catch {
    running.child.kill('SIGINT');
  }
  await done;
}

export { isAlive };
