import { validateCatalog } from '../../functions/domain/catalog';
import { dispatchLunch } from '../../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../../functions/domain/lunch';
import type { LunchWaves } from '../../functions/domain/ports';

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;

/** The waves as the DynamoDB adapter keeps them: one entry per program, zone and local date. */
class InMemoryWaves implements LunchWaves {
  readonly started = new Set<string>();
  private key = (page: LunchPage) => `${page.programId}|${page.zone}|${page.localDate}`;
  async unstarted(pages: LunchPage[]): Promise<LunchPage[]> {
    return pages.filter((page) => !this.started.has(this.key(page)));
  }
  async markStarted(pages: LunchPage[]): Promise<void> {
    for (const page of pages) this.started.add(this.key(page));
  }
}

function world(shards = 4) {
  const queued: LunchPage[][] = [];
  const waves = new InMemoryWaves();
  let now = new Date();
  let queueDown = false;
  const deps = {
    catalog: { load: async () => catalog },
    pages: {
      send: async (pages: LunchPage[]) => {
        if (queueDown) throw new Error('SQS unavailable');
        queued.push(pages);
      },
    },
    waves,
    clock: { now: () => now },
    shards,
  };
  const tick = async (iso: string) => {
    now = new Date(iso);
    return dispatchLunch(deps).then((pages) => [...new Set(pages.map((page) => page.zone))], (error: Error) => error.message);
  };
  const chains = async (iso: string) => {
    now = new Date(iso);
    return dispatchLunch(deps);
  };
  return { tick, chains, queued, setQueueDown: (down: boolean) => void (queueDown = down) };
}

describe('dispatch-lunch: each zone walked once a local day', () => {
  test('the four ticks of New York\'s window hand its wave out once; Chicago\'s window then starts its own; the next day starts again', async () => {
    // Prepare
    const { tick } = world();
    // Act: Tuesday 10:00, 10:15, 10:30, 10:45 EST, then 10:00 CST, then Wednesday 10:00 EST
    const ticks = [
      await tick('2026-11-24T15:00:00Z'),
      await tick('2026-11-24T15:15:00Z'),
      await tick('2026-11-24T15:30:00Z'),
      await tick('2026-11-24T15:45:00Z'),
      await tick('2026-11-24T16:00:00Z'),
      await tick('2026-11-25T15:00:00Z'),
    ];
    // Assess
    expect(ticks[0]).toContain('America/New_York');
    expect(ticks.slice(1, 4)).toEqual([[], [], []]);
    expect(ticks[4]).toContain('America/Chicago');
    expect(ticks[4]).not.toContain('America/New_York');
    expect(ticks[5]).toEqual(ticks[0]);
  });

  test('a tick whose pages could not be queued records nothing: the next tick hands the wave out', async () => {
    // Prepare
    const { tick, queued, setQueueDown } = world();
    setQueueDown(true);
    // Act
    const failed = await tick('2026-11-24T15:00:00Z');
    setQueueDown(false);
    const next = await tick('2026-11-24T15:15:00Z');
    // Assess
    expect(failed).toBe('SQS unavailable');
    expect(next).toContain('America/New_York');
    expect(queued).toHaveLength(1);
  });

  test.each([1, 4, 16])('with %i shards a zone\'s wave starts that many page chains at once, plus one for subscriptions filed before zones had shards', async (shards) => {
    // Prepare
    const { chains } = world(shards);
    // Act: Tuesday 10:00 EST
    const pages = await chains('2026-11-24T15:00:00Z');
    // Assess
    const newYork = pages.filter((page) => page.zone === 'America/New_York');
    expect(newYork.map((page) => page.shard)).toEqual([undefined, ...Array.from({ length: shards }, (_, shard) => shard)]);
    expect(new Set(newYork.map((page) => `${page.localDate} ${page.lunchAt} ${page.after}`))).toEqual(new Set(['2026-11-24 2026-11-24T17:00:00.000Z undefined']));
  });
});
