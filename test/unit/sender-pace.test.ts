import { validateCatalog } from '../../functions/domain/catalog';
import { newConversation, newSubscription, type OutboundMessage } from '../../functions/domain/audience';
import { carrierSegments, sendMessage } from '../../functions/domain/send-message';
import { createPacer } from '../../functions/shared/pacer';
import { segmentsPerInstance, senderInstances, senderPaceFromEnv } from '../../functions/shared/sender-pace';
import { sendingWorld } from '../support/in-memory-sending';

/** A pacer on a virtual clock: sleeping moves the clock, so a run of sends shows its start times. */
function virtualPacer(segmentsPerSecond: number) {
  let now = 0;
  const pacer = createPacer({ segmentsPerSecond, now: () => now, sleep: async (ms) => void (now += ms) });
  return {
    /** Sends one after another (as one instance's senders queue), returning each start time in ms. */
    async run(messages: { from?: string; segments: number }[]): Promise<number[]> {
      const starts: number[] = [];
      for (const m of messages) {
        await pacer.take(m.from ?? '55155', m.segments);
        starts.push(now);
      }
      return starts;
    },
    idle: (ms: number) => void (now += ms),
  };
}

/** The most segments started in any 1-second window [t, t + 1000) (to a microsecond: float sums drift). */
function busiestSecond(starts: number[], segments: number[]): number {
  let best = 0;
  for (let i = 0; i < starts.length; i += 1) {
    let sum = 0;
    for (let j = i; j < starts.length && starts[j]! < starts[i]! + 1000 - 1e-3; j += 1) sum += segments[j]!;
    best = Math.max(best, sum);
  }
  return best;
}

describe('sender pace: the rate, its split between invocations, and the burst allowance', () => {
  it.each([
    { mps: 100, instances: 4, share: 24.25 },
    { mps: 250, instances: 10, share: 24.25 },
    { mps: 104, instances: 5, share: 20 },
    { mps: 30, instances: 2, share: 14.55 },
    { mps: 9, instances: 2, share: 4 },
    { mps: 1, instances: 2, share: 0.485 },
    { mps: 30_000, instances: 1000, share: 29.1 },
  ])('$mps segments/s: $instances invocations at most, $share segments/s each', ({ mps, instances, share }) => {
    // Act
    const each = segmentsPerInstance(mps, instances);
    // Assess: ≥ 90% of the rate kept, and the busiest second of every instance together never above it.
    expect(senderInstances(mps)).toBe(instances);
    expect(each).toBeCloseTo(share);
    expect(each * instances).toBeGreaterThanOrEqual(mps >= 10 ? 0.9 * mps : 0);
    expect(Math.ceil(each - 1e-9) * instances).toBeLessThanOrEqual(Math.max(mps, instances));
  });

  it('reads SENDER_MPS / SENDER_INSTANCES, defaults to a short code, and names a bad variable', () => {
    // Act + Assess
    expect(senderPaceFromEnv({})).toEqual({ mps: 100, instances: 4, perInstance: 24.25 });
    expect(senderPaceFromEnv({ SENDER_MPS: '50', SENDER_INSTANCES: '1' })).toEqual({ mps: 50, instances: 1, perInstance: 48.5 });
    expect(() => senderPaceFromEnv({ SENDER_MPS: 'fast' })).toThrow('SENDER_MPS must be a number of at least 1, got "fast"');
  });

  it('spaces single-segment sends evenly: 24/s starts one every 41.7 ms, 24 in every second', async () => {
    // Prepare
    const pacer = virtualPacer(24);
    // Act
    const starts = await pacer.run(Array.from({ length: 120 }, () => ({ segments: 1 })));
    // Assess
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeCloseTo(1000 / 24);
    expect(starts[119]).toBeCloseTo((119 * 1000) / 24);
    expect(busiestSecond(starts, starts.map(() => 1))).toBe(24);
  });

  it('a two-segment message takes two slots: the busiest second holds at most one message of burst', async () => {
    // Prepare
    const pacer = virtualPacer(24);
    const segments = Array.from({ length: 90 }, (_, i) => (i % 3 === 0 ? 2 : 1));
    // Act
    const starts = await pacer.run(segments.map((s) => ({ segments: s })));
    // Assess: 24 per second, plus at most the segments of the message that closes the window, less one.
    expect(busiestSecond(starts, segments)).toBeLessThanOrEqual(24 + 1);
    expect(starts[1]! - starts[0]!).toBeCloseTo(2000 / 24);
  });

  it('time left unused while idle is not saved up into a burst', async () => {
    // Prepare
    const pacer = virtualPacer(10);
    await pacer.run([{ segments: 1 }]);
    pacer.idle(60_000);
    // Act
    const starts = await pacer.run(Array.from({ length: 30 }, () => ({ segments: 1 })));
    // Assess
    expect(busiestSecond(starts, starts.map(() => 1))).toBe(10);
  });

  it('each sending number has its own pace', async () => {
    // Prepare
    const pacer = virtualPacer(10);
    // Act
    const starts = await pacer.run([{ from: '55155', segments: 1 }, { from: '77777', segments: 1 }, { from: '55155', segments: 1 }]);
    // Assess
    expect(starts).toEqual([0, 0, 100]);
  });

  it('concurrent senders in one instance queue behind each other instead of racing', async () => {
    // Prepare
    let now = 0;
    const started: number[] = [];
    const pacer = createPacer({ segmentsPerSecond: 20, now: () => now, sleep: async (ms) => void (now += ms) });
    // Act
    await Promise.all(Array.from({ length: 5 }, () => pacer.take('55155', 1).then(() => void started.push(now))));
    // Assess
    expect(started).toEqual([0, 50, 100, 150, 200]);
  });

  it('after a stall (a busy CPU wakes every sleeper late) the waiting messages still leave one interval apart', async () => {
    // Prepare: every sleep overshoots by 300 ms, as on a starved process.
    let now = 0;
    const started: number[] = [];
    const pacer = createPacer({ segmentsPerSecond: 10, now: () => now, sleep: async (ms) => void (now += ms + 300) });
    // Act
    await Promise.all(Array.from({ length: 4 }, () => pacer.take('55155', 1).then(() => void started.push(now))));
    // Assess: late, but never closer together than 100 ms.
    expect(started).toEqual([0, 400, 800, 1200]);
  });
});

describe('send-message takes the pace per segment, right before the carrier', () => {
  const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
  const PHONE = '+15551230001';
  const message = (body: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({ to: PHONE, from: '55155', body, purpose: 'reply', programId: 'krusty-burger', ...extra });

  it.each([
    { what: 'a one-segment text', body: 'Thanks, got it!', extra: {}, segments: 1 },
    { what: 'a 200-character GSM-7 text', body: 'x'.repeat(200), extra: {}, segments: 2 },
    { what: 'an emoji text of 80 characters (UCS-2)', body: `🍔${'y'.repeat(78)}`, extra: {}, segments: 2 },
    { what: 'an MMS, whatever its caption', body: 'z'.repeat(400), extra: { mediaUrl: ['https://example.com/burger.jpg'] }, segments: 1 },
  ])('$what costs $segments of the short code\'s throughput', ({ body, extra, segments }) => {
    // Act + Assess
    expect(carrierSegments(message(body, extra))).toBe(segments);
  });

  it('a sent message took its segments; a blocked one took none and a HELP to a stranger still goes', async () => {
    // Prepare
    const world = sendingWorld(catalog, new Date('2026-11-24T18:00:00Z'));
    const conversation = newConversation(PHONE);
    conversation.subscriptions = [{ ...newSubscription(PHONE, 'krusty-burger'), status: 'opted-out' }];
    world.conversations.set(PHONE, conversation);
    const taken: { from: string; segments: number; carrierCallsBefore: number }[] = [];
    world.deps.pace = { take: async (from, segments) => void taken.push({ from, segments, carrierCallsBefore: world.carrier.accepted.length }) };
    // Act
    const blocked = await sendMessage('m1', message('Lunch deal', { purpose: 'marketing' }), world.deps);
    const help = await sendMessage('m2', message('x'.repeat(200), { purpose: 'help' }), world.deps);
    // Assess
    expect([blocked, help]).toEqual(['blocked', 'sent']);
    expect(taken).toEqual([{ from: '55155', segments: 2, carrierCallsBefore: 0 }]);
    expect(world.carrier.accepted).toHaveLength(1);
  });
});
