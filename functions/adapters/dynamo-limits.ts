import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { optInPeriods } from '../domain/limits';
import type { OptInCeiling, ReferralSlots } from '../domain/ports';
import type { RewardSlot } from '../domain/referrals';
import type { OptInLimits } from '../shared/opt-in-limits';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/**
 * The opt-in ceiling as one counter item per short code and UTC day, which also holds the current
 * minute and its count. A slot is one conditional UpdateItem, checking both limits at once: DynamoDB
 * serialises writes to one item, so concurrent invocations can never take more than either limit
 * between them. Plain updates, not a transaction: a transaction on a hot item is cancelled whenever
 * another one is in flight.
 *
 * Two shapes of update, because an update expression cannot branch: "one more in the item's minute"
 * and "the first of a newer minute" (which restarts the minute's count). The one that fits usually
 * goes first (this container remembers the minute it last saw), so a slot is one request; a refused
 * update answers with the item (ALL_OLD), which tells a full minute or day from the other shape being
 * due. A late text whose minute has already passed is counted in the item's (later) minute: the
 * ceiling errs towards fewer opt-ins.
 */
export class DynamoOptInCeiling implements OptInCeiling {
  private readonly minuteSeen = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: OptInLimits,
  ) {}

  async reserve(shortCode: string, at: string): Promise<boolean> {
    const { minute, day } = optInPeriods(at);
    let shape: 'same-minute' | 'new-minute' = this.minuteSeen.get(shortCode) === minute ? 'same-minute' : 'new-minute';
    // Two shapes at most, plus one more try when a concurrent invocation moved the minute meanwhile.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const refused = await this.take(shape, shortCode, minute, day, at);
      if (!refused) {
        this.minuteSeen.set(shortCode, minute);
        return true;
      }
      const itemMinute = refused.item?.minute as string | undefined;
      const minuteCurrent = itemMinute !== undefined && itemMinute >= minute;
      if (minuteCurrent) this.minuteSeen.set(shortCode, itemMinute);
      // Refused in the shape that fitted: the minute or the day is full.
      if ((shape === 'same-minute') === minuteCurrent) return false;
      shape = minuteCurrent ? 'same-minute' : 'new-minute';
    }
    return false;
  }

  /** One slot in the given shape; undefined when taken, else the item as it was (absent: no item yet). */
  private async take(shape: 'same-minute' | 'new-minute', shortCode: string, minute: string, day: string, at: string): Promise<{ item?: Record<string, unknown> } | undefined> {
    const common = {
      TableName: this.tableName,
      Key: audienceKeys.optInCounter(shortCode, day),
      ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#minute': 'minute' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const values = { ':one': 1, ':minute': minute, ':perDay': this.limits.perDay, ':type': 'opt-in-counter', ':expires': expiresAt(at, 7) };
    const update =
      shape === 'same-minute'
        ? {
            ...common,
            UpdateExpression: 'ADD #count :one, minuteCount :one SET #type = :type, expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: '#minute >= :minute AND minuteCount < :perMinute AND #count < :perDay',
            ExpressionAttributeValues: { ...values, ':perMinute': this.limits.perMinute },
          }
        : {
            ...common,
            UpdateExpression: 'SET #minute = :minute, minuteCount = :one, #type = :type, expiresAt = if_not_exists(expiresAt, :expires) ADD #count :one',
            ConditionExpression: '(attribute_not_exists(#minute) OR #minute < :minute) AND (attribute_not_exists(#count) OR #count < :perDay)',
            ExpressionAttributeValues: values,
          };
    try {
      await this.client.send(new UpdateCommand(update));
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
      return raw ? { item: unmarshall(raw) } : {};
    }
  }
}

/** How long a referrer's slots are kept after their month: enough for support questions. */
const SLOT_RETENTION_DAYS = 400;

type Slot = Parameters<ReferralSlots['take']>[0];

/**
 * A referrer's reward slots for one month as a string set of the friends rewarded, on one item of
 * the referrer's partition. Taking a slot adds the friend with a condition (the friend is in already,
 * or fewer than `cap` are): concurrent friends can never take more than the cap, and a retry for
 * the same friend finds its slot instead of taking another.
 */
export class DynamoReferralSlots implements ReferralSlots {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  async take(slot: Slot, cap: number): Promise<RewardSlot> {
    let before: Set<string> | undefined;
    const held = await conditionHeld(
      this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: audienceKeys.referralSlots(slot.referrerPhone, slot.programId, slot.period),
            UpdateExpression: 'ADD friends :friend SET #type = :type, expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(friends) OR contains(friends, :phone) OR size(friends) < :cap',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':friend': new Set([slot.friendPhone]),
              ':phone': slot.friendPhone,
              ':cap': cap,
              ':type': 'referral-slots',
              ':expires': expiresAt(this.now().toISOString(), SLOT_RETENTION_DAYS),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        )
        .then((result) => {
          before = result.Attributes?.friends as Set<string> | undefined;
        }),
    );
    if (!held) return 'full';
    return before?.has(slot.friendPhone) ? 'held' : 'taken';
  }

  async giveBack(slot: Slot): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.referralSlots(slot.referrerPhone, slot.programId, slot.period),
        UpdateExpression: 'DELETE friends :friend',
        ExpressionAttributeValues: { ':friend': new Set([slot.friendPhone]) },
      }),
    );
  }
}
