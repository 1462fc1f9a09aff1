import type { ChildProcess } from 'node:child_process';
import { stopChild } from './child-processes';

export type ChildState = 'starting' | 'up' | 'restarting' | 'failed' | 'stopped';

/** A child the gateway depends on died and could not be kept running. */
export class DependencyFailedError extends Error {
  override readonly name = 'DependencyFailedError';
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SupervisorOptions {
  /** Short name, as /health reports it: `dynamodb`, `sqs`. */
  dependency: string;
  /** What people call it, in messages: "DynamoDB Local". */
  label: string;
  /** Spawns the child (reporting it as soon as it exists) and resolves once it serves. */
  launch(onSpawned: (child: ChildProcess) => void): Promise<ChildProcess>;
  /** Runs after a restart, before the child counts as up again (fauxqs forgets its queues). */
  afterRestart?(): Promise<void>;
  /** A child that dies again within this long of its last restart is not restarted again. */
  restartWindowMs: number;
  onFatal(error: DependencyFailedError): void;
  /** The state or the pid changed. */
  onChange(): void;
  log(line: string): void;
}

/**
 * Keeps one child running: when it dies it is restarted with the same command (same port, same data), once;
 * if it dies again within restartWindowMs of that restart, or cannot be restarted, it is given up on and
 * onFatal says which one and why. A child stopped by us is never restarted.
 */
export class SupervisedChild {
  private child?: ChildProcess;
  private stopping = false;
  private lastRestartAt?: number;
  private restarting?: Promise<void>;
  private currentState: ChildState = 'starting';
  /** Why it is not up, when it is not. */
  problem?: string;
  restarts = 0;

  constructor(private readonly options: SupervisorOptions) {}

  get dependency(): string {
    return this.options.dependency;
  }

  get state(): ChildState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** The command line it was started with, so a later run can tell it from a stranger with the same pid. */
  get argv(): string[] | undefined {
    return this.child?.spawnargs;
  }

  async start(): Promise<void> {
    this.attach(await this.options.launch((child) => this.attach(child)));
    this.setState('up');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting;
    if (this.child) await stopChild(this.child);
    this.setState('stopped');
  }

  private setState(state: ChildState, problem?: string): void {
    this.currentState = state;
    this.problem = problem;
    this.options.onChange();
  }

  private attach(child: ChildProcess): void {
    if (this.child === child) return;
    this.child = child;
    child.once('exit', (code, signal) => {
      // While starting, launch() rejects and the caller hears of it; while restarting, restart() does.
      if (this.stopping || child !== this.child || this.currentState !== 'up') return;
      this.restarting = this.restart(signal ? `was killed (${signal})` : `exited with code ${code}`);
    });
    this.options.onChange();
  }

  private async restart(how: string): Promise<void> {
    const { label, restartWindowMs } = this.options;
    const now = Date.now();
    if (this.lastRestartAt !== undefined && now - this.lastRestartAt < restartWindowMs) {
      return this.fail(`${label} ${how} again within ${Math.round(restartWindowMs / 1000)} s of being restarted; not restarting it again`);
    }
    this.lastRestartAt = now;
    this.setState('restarting', `${label} ${how}; restarting it`);
    this.options.log(`${label} ${how}; restarting it on the same port…`);
    try {
      const child = await this.options.launch((spawned) => this.attach(spawned));
      if (this.stopping) return;
      await this.options.afterRestart?.();
      this.restarts += 1;
      this.setState('up');
      this.options.log(`${label} is back (pid ${child.pid}).`);
    } catch (error) {
      if (this.stopping) return;
      this.fail(`${label} ${how} and could not be restarted: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(reason: string): void {
    if (this.currentState === 'failed') return;
    this.setState('failed', reason);
    this.options.onFatal(new DependencyFailedError(this.options.dependency, reason));
  }
}
