import { randomBytes } from 'node:crypto';
import { DynamoCatalogSource } from '../../functions/adapters/dynamo-catalog';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoCouponStore } from '../../functions/adapters/dynamo-coupons';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { DynamoOptInCeiling, DynamoReferralSlots } from '../../functions/adapters/dynamo-limits';
import { DynamoOrderStore } from '../../functions/adapters/dynamo-orders';
import { DynamoScheduledSends } from '../../functions/adapters/dynamo-scheduled-sends';
import { SqsOutbox } from '../../functions/adapters/sqs-queues';
import type { HandleInboundDeps } from '../../functions/domain/handle-inbound';
import type { EventPublisher } from '../../functions/domain/ports';
import type { SqsLocal } from '../../lib/local/sqs-local';
import type { LocalDynamo } from './local-stand-ins';

/** The inbound use case's ports as the converse handler wires them, against DynamoDB Local and fauxqs. */
export function inboundDeps(db: LocalDynamo, sqs: SqsLocal, events: EventPublisher, now: () => Date = () => new Date()): HandleInboundDeps {
  return {
    catalog: new DynamoCatalogSource(db.doc, db.tables.catalog, 0),
    store: new DynamoConversationStore(db.doc, db.tables.audience),
    deliveries: new DynamoDeliveries(db.doc, db.tables.audience),
    outbox: new SqsOutbox(sqs.client, sqs.queues.outbound.url, () => new Date()),
    events,
    coupons: new DynamoCouponStore(db.doc, db.tables.audience),
    orders: new DynamoOrderStore(db.doc, db.tables.audience),
    scheduled: new DynamoScheduledSends(db.doc, db.tables.audience, now),
    optInCeiling: new DynamoOptInCeiling(db.doc, db.tables.audience, { perMinute: 1000, perDay: 100_000 }),
    referralSlots: new DynamoReferralSlots(db.doc, db.tables.audience, () => new Date()),
    random: { bytes: (count: number) => new Uint8Array(randomBytes(count)) },
    clock: { now },
  };
}
