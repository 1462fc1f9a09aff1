import type { SupervisedChild } from './supervisor';

class NoAnswer extends Error {}

export type DependencyState = 'up' | 'down' | 'restarting' | 'failed';

export interface DependencyReport {
  state: DependencyState;
  /** Why it is not up. */
  problem?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  /** True when every dependency is up. */
  healthy: boolean;
  /** The dependencies that are not up, by name. */
  down: string[];
  dependencies: Record<string, DependencyReport>;
}

export interface Dependency {
  /** A cheap request that succeeds only when the dependency serves (ListTables, ListQueues…). */
  probe?: (signal: AbortSignal) => Promise<unknown>;
  /** The child process behind it, when there is one: a dead or restarting child is down without asking. */
  child?: Pick<SupervisedChild, 'state' | 'problem'>;
  /** What /health shows about it besides its state (endpoint, pid…). */
  details?: () => Record<string, unknown>;
}

/**
 * Answers "is every dependency up?" cheaply: each probe has a short timeout and its answer is kept for
 * `ttlMs`, and concurrent callers share one probe, so a storm of /health or webhook requests costs each
 * dependency at most one request per ttl. A child known to be dead or restarting is down at once.
 */
export class HealthMonitor {
  private readonly cache = new Map<string, { at: number; result: Promise<string | undefined> }>();

  constructor(
    private readonly dependencies: Record<string, Dependency>,
    private readonly ttlMs = 1500,
    private readonly timeoutMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets cached answers (a child came back: ask again rather than wait out the ttl). */
  invalidate(): void {
    this.cache.clear();
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      Object.entries(this.dependencies).map(async ([name, dependency]) => [name, await this.check(name, dependency)] as const),
    );
    const dependencies = Object.fromEntries(entries);
    const down = entries.filter(([, report]) => report.state !== 'up').map(([name]) => name);
    return { healthy: down.length === 0, down, dependencies };
  }

  private async check(name: string, dependency: Dependency): Promise<DependencyReport> {
    const details = dependency.details?.() ?? {};
    const child = dependency.child;
    if (child && child.state !== 'up') {
      const state: DependencyState = child.state === 'restarting' ? 'restarting' : child.state === 'failed' ? 'failed' : 'down';
      return { state, problem: child.problem ?? `it is ${child.state}`, ...details };
    }
    if (!dependency.probe) return { state: 'up', ...details };
    const problem = await this.probe(name, dependency.probe);
    return problem ? { state: 'down', problem, ...details } : { state: 'up', ...details };
  }

  /** undefined when the probe succeeded, else what went wrong. */
  private probe(name: string, probe: NonNullable<Dependency['probe']>): Promise<string | undefined> {
    const cached = this.cache.get(name);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.result;
    const timeout = new AbortController();
    // Raced with a timer too, so a check that ignores its signal cannot hold /health (or a webhook) up.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        timeout.abort();
        fail(new NoAnswer());
      }, this.timeoutMs);
    });
    const result = Promise.race([probe(timeout.signal), deadline])
      .then(
        () => undefined,
        (error: unknown) => {
          if (timeout.signal.aborted || error instanceof NoAnswer) return `no answer within ${this.timeoutMs} ms`;
          return (error instanceof Error ? error.message : String(error)) || 'the health check failed';
        },
      )
      .finally(() => clearTimeout(timer));
    this.cache.set(name, { at: this.now(), result });
    return result;
  }
}
