import { HealthMonitor, type Dependency } from '../../lib/local/health';

/** A dependency whose health check counts its calls and answers as told. */
function counted(answer: () => Promise<unknown>) {
  const probe = { calls: 0, dependency: {} as Dependency };
  probe.dependency = { probe: () => ((probe.calls += 1), answer()) };
  return probe;
}

describe('HealthMonitor', () => {
  test('a storm of health requests costs the dependency one check per ttl', async () => {
    // Prepare
    let now = 0;
    const database = counted(() => Promise.resolve());
    const monitor = new HealthMonitor({ database: database.dependency }, 1500, 1000, () => now);

    // Act
    const storm = await Promise.all(Array.from({ length: 100 }, () => monitor.report()));
    now = 1499;
    await monitor.report();
    const checksWithinTtl = database.calls;
    now = 1500;
    await monitor.report();

    // Assess
    expect(storm.every((report) => report.healthy)).toBe(true);
    expect(checksWithinTtl).toBe(1);
    expect(database.calls).toBe(2);
  });

  test.each([
    ['fails', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8000')), 'connect ECONNREFUSED 127.0.0.1:8000'],
    ['never answers', (signal: AbortSignal) => new Promise((_, fail) => signal.addEventListener('abort', () => fail(signal.reason))), 'no answer within 50 ms'],
    ['never answers and ignores its abort signal', () => new Promise(() => undefined), 'no answer within 50 ms'],
  ])('a dependency whose check %s is down, named, with what went wrong', async (_, probe, problem) => {
    // Prepare
    const monitor = new HealthMonitor({ database: { probe }, bus: {} }, 1500, 50);

    // Act
    const report = await monitor.report();

    // Assess
    expect(report.healthy).toBe(false);
    expect(report.down).toEqual(['database']);
    expect(report.dependencies.database).toEqual({ state: 'down', problem });
    expect(report.dependencies.bus).toEqual({ state: 'up' });
  });

  test.each([
    ['restarting', 'restarting'],
    ['failed', 'failed'],
    ['stopped', 'down'],
  ] as const)('a child that is %s is reported %s without being asked', async (childState, reported) => {
    // Prepare
    const database = counted(() => Promise.resolve());
    const monitor = new HealthMonitor({ database: { ...database.dependency, child: { state: childState, problem: 'it died' } } });

    // Act
    const report = await monitor.report();

    // Assess
    expect(report.down).toEqual(['database']);
    expect(report.dependencies.database).toEqual({ state: reported, problem: 'it died' });
    expect(database.calls).toBe(0);
  });

  test('forgetting the cached answers makes the next report check again', async () => {
    // Prepare
    let answer: () => Promise<unknown> = () => Promise.reject(new Error('down'));
    const database = counted(() => answer());
    const monitor = new HealthMonitor({ database: database.dependency }, 60_000);
    const before = await monitor.report();
    answer = () => Promise.resolve();

    // Act
    monitor.invalidate();
    const after = await monitor.report();

    // Assess
    expect(before.healthy).toBe(false);
    expect(after.healthy).toBe(true);
    expect(database.calls).toBe(2);
  });
});
