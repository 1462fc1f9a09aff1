import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class LocalSetupError extends Error {
  override readonly name = 'LocalSetupError';
}

/** Checks that java runs; returns what `java -version` says (it tells one Java from another). */
export function assertJavaInstalled(): string {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new LocalSetupError(
      'Java 17+ is required for DynamoDB Local but `java` was not found: install a JRE (e.g. `sudo apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and make sure java is on PATH.',
    );
  }
  return `${probe.stdout}${probe.stderr}`;
}

/** Stops a child and waits for it; SIGKILL if it ignores SIGTERM. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Whether a process with this pid runs (EPERM: it does, it is only not ours to signal; a zombie does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** A process's command line, arguments joined by single spaces: from /proc where there is one, else ps. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    const ps = spawnSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 && ps.stdout.trim() ? ps.stdout.trim() : undefined;
  }
}

/** Stops a process that is not our child (one left by an earlier run): SIGTERM, then SIGKILL. */
export async function stopProcess(pid: number, graceMs = 3000): Promise<void> {
  const gone = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid)) {
      if (Date.now() > deadline) return false;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    return true;
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await gone(graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await gone(graceMs))) throw new LocalSetupError(`process ${pid} did not stop, even after SIGKILL`);
}

export async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new LocalSetupError(`${what} exited with code ${child.exitCode} while starting`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new LocalSetupError(`${what} did not become ready within ${timeoutMs / 1000}s`);
}

export { spawn };
