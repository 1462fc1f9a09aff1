import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../functions/domain/ports';
import { lambdaContext } from './lambda-events';

export type EventHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalTarget {
  functionName: string;
  timeoutSeconds: number;
  handler: EventHandler;
}

export interface LocalEvent {
  source: string;
  detailType: string;
  detail: unknown;
}

function invoke(target: LocalTarget, event: unknown, onError: (error: unknown) => void): Promise<void> {
  return target.handler(event, lambdaContext(target.functionName, target.timeoutSeconds)).then(
    () => undefined,
    (error: unknown) => onError(error),
  );
}

export interface PublishedEvent extends LocalEvent {
  id: string;
  time: string;
  deliveredTo: string[];
}

/**
 * Plays EventBridge for the topology's rules: exact match on source and detail-type, async delivery.
 * It keeps what was published (GET /local/events), as an archive would.
 */
export class LocalBus {
  readonly published: PublishedEvent[] = [];

  constructor(
    private readonly rules: (LocalTarget & { source: string[]; detailType: string[] })[],
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  publish(event: LocalEvent): string[] {
    const matched = this.rules.filter((rule) => rule.source.includes(event.source) && rule.detailType.includes(event.detailType));
    const envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account: '000000000000',
      time: this.clock.now().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: event.detail,
    };
    for (const rule of matched) void invoke(rule, envelope, this.onError);
    const deliveredTo = matched.map((rule) => rule.functionName);
    this.published.push({ ...event, id: envelope.id, time: envelope.time, deliveredTo });
    return deliveredTo;
  }
}

const RATE = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The period of an EventBridge `rate(...)` expression in milliseconds. */
export function ratePeriodMs(expression: string): number {
  const match = RATE.exec(expression.trim());
  if (!match) throw new Error(`Unsupported schedule expression for the local scheduler: ${expression} (use rate(N minutes|hours|days))`);
  return Number(match[1]) * UNIT_MS[match[2]!.replace(/s$/, '')]!;
}

/**
 * Plays EventBridge schedules against the shared clock: a schedule fires when the clock crosses one
 * of its period boundaries, so setting the clock forward replays the next run at once.
 */
export class LocalScheduler {
  private timer?: NodeJS.Timeout;
  private readonly lastSlot = new Map<string, number>();

  constructor(
    private readonly schedules: (LocalTarget & { name: string; expression: string })[],
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {
    for (const schedule of schedules) this.lastSlot.set(schedule.name, this.slot(schedule));
  }

  names(): string[] {
    return this.schedules.map((schedule) => schedule.name);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Fires a schedule now; false when no schedule has that name. */
  async fire(name: string): Promise<boolean> {
    const schedule = this.schedules.find((candidate) => candidate.name === name);
    if (!schedule) return false;
    await invoke(schedule, this.scheduledEvent(schedule), this.onError);
    return true;
  }

  private tick(): void {
    for (const schedule of this.schedules) {
      const slot = this.slot(schedule);
      if (slot === this.lastSlot.get(schedule.name)) continue;
      this.lastSlot.set(schedule.name, slot);
      void invoke(schedule, this.scheduledEvent(schedule), this.onError);
    }
  }

  private slot(schedule: { expression: string }): number {
    return Math.floor(this.clock.now().getTime() / ratePeriodMs(schedule.expression));
  }

  private scheduledEvent(schedule: { name: string }) {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: this.clock.now().toISOString(),
      region: 'us-east-1',
      resources: [`arn:aws:events:us-east-1:000000000000:rule/${schedule.name}`],
      detail: {},
    };
  }
}
