import { newConversation, newSubscription, type OutboundMessage } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { ConflictError } from '../../functions/domain/ports';
import { RetryLater, sendMessage } from '../../functions/domain/send-message';
import { sendingWorld, type SendingWorld } from '../support/in-memory-sending';

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const PHONE = '+15551230002';
const NOON_IN_ILLINOIS = new Date('2026-11-24T18:00:00Z');

const reply = (body: string): OutboundMessage => ({ to: PHONE, from: '55155', body, purpose: 'reply', programId: 'krusty-burger' });

async function deliver(world: SendingWorld, id: string, message: OutboundMessage): Promise<string> {
  try {
    return await sendMessage(id, message, world.deps);
  } catch (error) {
    return error instanceof RetryLater ? 'retry' : `error: ${(error as Error).name}`;
  }
}

describe('send-message: a recipient who stopped at the carrier (21610)', () => {
  let world: SendingWorld;
  beforeEach(() => {
    world = sendingWorld(catalog, NOON_IN_ILLINOIS);
    const conversation = newConversation(PHONE);
    conversation.subscriptions = [{ ...newSubscription(PHONE, 'krusty-burger'), status: 'subscribed', version: 3 }];
    world.conversations.set(PHONE, conversation);
  });

  test('when recording the opt-out fails (a concurrent write), the redelivery records it and nothing more is handed over', async () => {
    // Prepare: the carrier refuses every message to the number; the first opt-out write collides with another
    const record = world.deps.store.recordOptOuts;
    let collisions = 1;
    world.deps.store.recordOptOuts = async (events) => {
      if (collisions-- > 0) throw new ConflictError('conversation changed concurrently');
      return record(events);
    };
    world.carrier.script = ['contact-stopped', 'contact-stopped', 'contact-stopped'];

    // Act
    const first = await deliver(world, 'm1', reply('Thanks, got it!'));
    const redelivered = await deliver(world, 'm1', reply('Thanks, got it!'));
    const subscription = world.conversations.get(PHONE)!.subscriptions[0]!.status;
    const next = await deliver(world, 'm2', reply('Another one'));

    // Assess
    expect([first, redelivered, next]).toEqual(['error: ConflictError', 'opted-out', 'blocked']);
    expect(subscription).toBe('opted-out');
    expect(world.optOuts).toBe(1);
    expect(world.deliveries.rows.get('m1')).toMatchObject({ status: 'opted-out' });
    expect(world.carrier.accepted).toEqual([]);
  });
});
