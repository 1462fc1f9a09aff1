import { sendSignedText } from '../lib/local/text-client';
import type { QueueName } from '../lib/topology';
import type { Deadline } from './deadline';
import { countDynamoRequests, setApartSettled, type Capacity } from './dynamo-counter';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, swallowOutput, type BenchGateway } from './bench-gateway';

const SHORT_CODE = '55155';
/** A Monday, 10:00 in Chicago: the demo program's lunch wave (lunch at 12:00) is due. */
const WAVE_AT = '2026-12-07T16:00:00Z';
/** The same time on the Monday before, when nobody has joined yet: what an empty wave costs. */
const EMPTY_WAVE_AT = '2026-11-30T16:00:00Z';
/** Texts in flight at once while subscribers join. */
const JOINING_AT_ONCE = 20;

export interface LunchWaveFigures {
  subscribers: number;
  coupons: number;
  /** DynamoDB requests a wave makes whatever its size: dispatch, its marker, each shard chain's first Query. */
  requestsPerWave: number;
  /** DynamoDB requests from the schedule firing to the last coupon at the carrier, per coupon, by function. */
  requestsPerCoupon: Record<string, number>;
  /** The same by "function operation", so a change can be traced to its access pattern. */
  byOperation: Record<string, number>;
  totalPerCoupon: number;
  /** Read and write units per coupon, by AWS's rules, what any wave costs set apart. */
  capacityPerCoupon: Capacity;
  /** What the funnel report's stats writer spent per coupon counting the wave's events (not in the figures above). */
  funnelPerCoupon: { requests: number; writeUnits: number };
}

/** The queues a wave goes through: idle once every page is issued and every coupon handed over. */
const WAVE_QUEUES: QueueName[] = ['lunchPages', 'outbound'];

/**
 * A whole lunch wave through the local gateway, counted from page to carrier: `subscribers` new
 * numbers join by text (KRUSTY, then a Springfield, IL ZIP), the clock is set to a weekday 10:00 in
 * Chicago and the lunch-coupons schedule fires. Every DynamoDB request made while the wave runs is
 * counted per function (dispatch-lunch, issue-lunch-coupons, send-sms) and shared out per coupon.
 */
export async function measureLunchWave(options: { subscribers: number; deadline: Deadline }, bench: BenchGateway): Promise<LunchWaveFigures> {
  const { deadline, subscribers } = options;
  const { gateway, carrier } = bench;
  const restoreOutput = swallowOutput();
  try {
    const text = (from: string, body: string) => sendSignedText({ gatewayUrl: gateway.url, publicUrl: gateway.publicUrl, accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, from, to: SHORT_CODE, body });

    const setClock = async (now: string | null) => {
      const clock = await fetch(`${gateway.url}/local/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now }) });
      if (!clock.ok) throw new Error(`PUT /local/clock answered ${clock.status}`);
    };
    /**
     * The schedule fired at `at`, the clock kept there until `done` holds: the wave is sent in its own
     * lunch window whatever the time of day the bench runs (at real time, quiet hours in the
     * subscribers' zone would defer every coupon to the next morning).
     */
    const fireWave = async (at: string, done: () => Promise<void>) => {
      await setClock(at);
      try {
        const fired = await fetch(`${gateway.url}/local/schedules/lunch-coupons`, { method: 'POST' });
        if (!fired.ok) throw new Error(`POST /local/schedules/lunch-coupons answered ${fired.status}`);
        await done();
      } finally {
        await setClock(null);
      }
    };

    // Deployed functions cache the catalog for 60 s (the local gateway re-reads it on every use).
    process.env.CATALOG_CACHE_SECONDS = '60';
    const counter = countDynamoRequests();
    let fixed: { operations: Map<string, number>; capacity: Capacity };
    try {
      // What a wave costs whatever its size (dispatch, the wave markers, every shard chain's first
      // Query): the same wave a week earlier, before anyone joined.
      await fireWave(EMPTY_WAVE_AT, () => deadline.until(() => bench.queuesIdle(WAVE_QUEUES), 'the empty wave to finish'));
      fixed = { operations: counter.byFunction(), capacity: counter.capacity() };

      const phones = Array.from({ length: subscribers }, (_, i) => `+1555${String(8_000_000 + i)}`);
      let next = 0;
      const join = async () => {
        while (next < phones.length) {
          const phone = phones[next++]!;
          await text(phone, 'KRUSTY');
          // The ZIP answers the question the welcome asked: wait for it, as a person would.
          await deadline.until(async () => (await carrier.count(phone)) >= 2, `the ZIP question to ${phone}`);
          await text(phone, '62701');
        }
      };
      await deadline.race(Promise.all(Array.from({ length: JOINING_AT_ONCE }, join)), `${subscribers} subscribers joining`);
      await deadline.until(async () => (await carrier.count()) >= subscribers * 3, 'every ZIP answered');
      const before = await carrier.count();
      // The joins' own events are counted before the wave's, not in them.
      await setApartSettled(counter, (condition, what) => deadline.until(condition, what));
      counter.reset();
      await fireWave(WAVE_AT, async () => {
        await deadline.until(async () => (await carrier.count()) - before >= subscribers, `${subscribers} lunch coupons at the carrier`);
        await deadline.until(() => bench.queuesIdle(WAVE_QUEUES), 'the wave to finish');
        await setApartSettled(counter, (condition, what) => deadline.until(condition, what));
      });
    } finally {
      counter.stop();
    }
    const coupons = subscribers;
    const marginal = new Map([...counter.byFunction()].map(([op, n]) => [op, Math.max(0, n - (fixed.operations.get(op) ?? 0))]));
    const perFunction = new Map<string, number>();
    for (const [op, n] of marginal) perFunction.set(op.split(' ')[0]!, (perFunction.get(op.split(' ')[0]!) ?? 0) + n);
    const capacity = counter.capacity();
    return {
      subscribers,
      coupons,
      requestsPerWave: [...fixed.operations.values()].reduce((a, b) => a + b, 0),
      requestsPerCoupon: Object.fromEntries([...perFunction].map(([fn, n]) => [fn, n / coupons])),
      byOperation: Object.fromEntries([...marginal].sort().map(([op, n]) => [op, n / coupons])),
      totalPerCoupon: [...marginal.values()].reduce((a, b) => a + b, 0) / coupons,
      funnelPerCoupon: { requests: counter.setApart().requests / coupons, writeUnits: counter.setApart().capacity.write / coupons },
      capacityPerCoupon: {
        read: Math.max(0, capacity.read - fixed.capacity.read) / coupons,
        write: Math.max(0, capacity.write - fixed.capacity.write) / coupons,
      },
    };
  } finally {
    restoreOutput();
  }
}
