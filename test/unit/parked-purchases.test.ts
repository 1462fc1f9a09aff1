import { validateCatalog, type Catalog, type Program } from '../../functions/domain/catalog';
import type { InboundText } from '../../functions/domain/conversation';
import { handleInbound, type HandledInbound } from '../../functions/domain/handle-inbound';
import { handlePurchase, type Purchase, type PurchaseOutcome } from '../../functions/domain/handle-purchase';
import { ConflictError } from '../../functions/domain/ports';
import { audienceWorld, type AudienceWorld } from '../support/in-memory-audience';

/**
 * A purchase that overtakes its opt-in (the keyword texted at the till) waits, parked under the
 * subscription's key, and the opt-in follows it up: whatever the order the two writes land in, and
 * whatever crashes between them, each such purchase is followed up once.
 */

const demo = validateCatalog(require('../../catalog/demo.json')).catalog;
const krusty = demo.programs[0]!;
/** A second program on a short code of its own: a purchase that names no program could be for either. */
const duff: Program = { ...krusty, programId: 'duff-club', name: 'Duff Club', brandName: 'Duff', keyword: 'DUFF', aliases: [], answersTo: ['DUFF'], shortCode: '55156' };
const twoPrograms: Catalog = { programs: [krusty, duff] };

const PURCHASED_AT = '2026-11-24T18:00:00.000Z';
const PHONE = '+15551230001';

let counter = 0;
function purchase(extra: Partial<Purchase> = {}): Purchase {
  counter += 1;
  return { phone: PHONE, programId: krusty.programId, orderId: `order-${counter}`, total: 12.5, currency: 'USD', ...extra };
}

function text(body: string, receivedAt = '2026-11-24T18:01:00.000Z', to = krusty.shortCode): InboundText {
  counter += 1;
  return { messageSid: `SMparked${counter}`, from: PHONE, to, body, receivedAt };
}

/** The thank-you texts queued for the purchase (its deduplication ids), with the short code each comes from. */
const thanks = (world: AudienceWorld) => world.queued.filter(({ message }) => message.body.startsWith('Thanks for visiting')).map(({ id, message }) => ({ id, from: message.from }));
const purposes = (world: AudienceWorld) => world.queued.map(({ message }) => message.purpose);
const outcomeOf = (handled: HandledInbound) => (handled.duplicate ? undefined : handled.outcome);

describe('a purchase parked before the opt-in', () => {
  test('is followed up once the opt-in commits, and once only when the opt-in is delivered again', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase();
    const parked = await handlePurchase(order, world.deps);
    const keyword = text('KRUSTY');

    // Act
    const handled = await handleInbound(keyword, world.deps);
    const redelivered = await handleInbound(keyword, world.deps);

    // Assess
    expect(parked).toEqual({ kind: 'parked', until: '2026-11-24T18:15:00.000Z' });
    expect(outcomeOf(handled)).toMatchObject({ kind: 'opted-in', parked: [{ purchase: order, until: '2026-11-24T18:15:00.000Z' }] });
    expect(redelivered).toEqual({ duplicate: true });
    expect(thanks(world)).toEqual([{ id: `order-${order.orderId}-0`, from: krusty.shortCode }]);
    expect(world.orders.records.get(order.orderId)).toMatchObject({ programId: krusty.programId });
    // The opt-in's write replaced the placeholder (version 1) and took its purchases: none is left
    // waiting; following it up recorded it as the subscriber's last purchase (version 3).
    const stored = world.store.item(PHONE, krusty.programId);
    expect(stored).toMatchObject({ type: 'subscription', subscription: { status: 'subscribed', version: 3, lastPurchaseAt: expect.any(String) } });
    expect(stored?.type === 'subscription' && stored.subscription).not.toHaveProperty('parked');
  });

  test('and kept when a STOP comes first: the opt-in after it still follows it up', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase();
    await handlePurchase(order, world.deps);
    await handleInbound(text('STOP', '2026-11-24T18:01:00.000Z'), world.deps);
    const afterStop = world.store.item(PHONE, krusty.programId);

    // Act
    await handleInbound(text('KRUSTY', '2026-11-24T18:02:00.000Z'), world.deps);

    // Assess
    expect(afterStop).toMatchObject({ type: 'subscription', subscription: { status: 'opted-out', parked: [{ purchase: order }] } });
    expect(thanks(world)).toHaveLength(1);
    expect(world.orders.records.get(order.orderId)).toMatchObject({ programId: krusty.programId });
  });

  test('whose wait ran out before the opt-in came counts as a purchase by someone not subscribed', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase({ couponCodes: ['KB-ZZZZZZ'] });
    await handlePurchase(order, world.deps);
    world.clock.at = new Date('2026-11-24T18:20:00.000Z');

    // Act
    const handled = await handleInbound(text('KRUSTY', '2026-11-24T18:20:00.000Z'), world.deps);

    // Assess
    expect(outcomeOf(handled)?.kind).toBe('opted-in');
    expect(purposes(world)).toEqual(['opt-in-confirmation', 'profile-question']);
    expect(world.scheduled).toEqual([]);
    const record = world.orders.records.get(order.orderId);
    expect(record).toMatchObject({ redemptions: [{ code: 'KB-ZZZZZZ', result: 'unknown' }] });
    expect(record).not.toHaveProperty('programId');
  });
});

describe('a purchase and an opt-in racing', () => {
  test('parked between the opt-in\'s load and its commit: the commit conflicts, and the retried text follows it up', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase();
    const keyword = text('KRUSTY');
    let parked: PurchaseOutcome | undefined;
    world.store.beforeCommit = async () => {
      parked = await handlePurchase(order, world.deps);
    };

    // Act
    const first = await handleInbound(keyword, world.deps).catch((error: unknown) => error);
    const queuedByFirst = purposes(world);
    const retried = await handleInbound(keyword, world.deps);

    // Assess
    expect(first).toBeInstanceOf(ConflictError);
    expect(parked?.kind).toBe('parked');
    expect(queuedByFirst).toEqual([]);
    expect(outcomeOf(retried)).toMatchObject({ kind: 'opted-in', parked: [{ purchase: order }] });
    expect(purposes(world)).toEqual(['opt-in-confirmation', 'profile-question', 'transactional', 'marketing']);
    expect(thanks(world)).toHaveLength(1);
  });

  test('parking just after the opt-in committed: the parking fails, and the purchase finds the subscription live', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase();
    const keyword = text('KRUSTY');
    let optIn: HandledInbound | undefined;
    world.store.beforePark = async () => {
      optIn = await handleInbound(keyword, world.deps);
    };

    // Act
    const outcome = await handlePurchase(order, world.deps);

    // Assess
    expect(optIn && outcomeOf(optIn)).not.toHaveProperty('parked');
    expect(outcome).toMatchObject({ kind: 'followed-up', messages: 2 });
    expect(thanks(world)).toHaveLength(1);
    expect(world.store.handled.get(keyword.messageSid)).not.toHaveProperty('parked');
  });

  test('a crash after the opt-in\'s commit, before the follow-up: the redelivered text follows it up from the stored record, once', async () => {
    // Prepare
    const world = audienceWorld(demo, PURCHASED_AT);
    const order = purchase();
    await handlePurchase(order, world.deps);
    const keyword = text('KRUSTY');
    let crash = true;
    const events = world.deps.events;
    const crashing = {
      ...world.deps,
      events: {
        publish: async (published: Parameters<typeof events.publish>[0]) => {
          if (crash) {
            crash = false;
            throw new Error('Task timed out after 20.00 seconds');
          }
          await events.publish(published);
        },
      },
    };

    // Act
    const first = await handleInbound(keyword, crashing).catch((error: unknown) => error);
    const thanksAfterCrash = thanks(world).length;
    const second = await handleInbound(keyword, crashing);
    const third = await handleInbound(keyword, crashing);

    // Assess
    expect(first).toEqual(new Error('Task timed out after 20.00 seconds'));
    expect(thanksAfterCrash).toBe(0);
    expect([second, third]).toEqual([{ duplicate: true }, { duplicate: true }]);
    expect(thanks(world)).toHaveLength(1);
    expect(world.orders.writes).toEqual([order.orderId]);
  });
});

describe('a purchase that names no program, two programs in the catalog', () => {
  test.each([
    ['KRUSTY', krusty],
    ['DUFF', duff],
  ])('waits under both; %s is the program it is followed up in, and joining the other one later adds nothing', async (keyword, joined) => {
    // Prepare
    const world = audienceWorld(twoPrograms, PURCHASED_AT);
    const order = purchase({ programId: undefined });
    const other = joined === krusty ? duff : krusty;
    const parked = await handlePurchase(order, world.deps);
    const waiting = [krusty, duff].map((program) => world.store.item(PHONE, program.programId));

    // Act
    await handleInbound(text(keyword, '2026-11-24T18:01:00.000Z', joined.shortCode), world.deps);
    await handleInbound(text(other.keyword, '2026-11-24T18:02:00.000Z', other.shortCode), world.deps);

    // Assess
    expect(parked.kind).toBe('parked');
    expect(waiting).toEqual([krusty, duff].map(() => ({ type: 'placeholder', version: 1, parked: [{ purchase: order, until: '2026-11-24T18:15:00.000Z' }] })));
    expect(thanks(world)).toEqual([{ id: `order-${order.orderId}-0`, from: joined.shortCode }]);
    expect(world.orders.records.get(order.orderId)).toMatchObject({ programId: joined.programId });
    expect(world.orders.writes).toEqual([order.orderId]);
  });
});
