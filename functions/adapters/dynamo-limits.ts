import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optInPeriods } from '../domain/limits';
import type { OptInCeiling, ReferralSlots } from '../domain/ports';
import type { RewardSlot } from '../domain/referrals';
import type { OptInLimits } from '../shared/opt-in-limits';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/**
 * The opt-in ceiling as counter items, one per short code and minute and one per short code and day,
 * each taken with a conditional UpdateItem (`count < :limit`): DynamoDB serialises writes to one
 * item, so concurrent invocations can never take more than the limit between them. Plain updates,
 * not a transaction: a transaction on a hot item is cancelled whenever another one is in flight.
 */
export class DynamoOptInCeiling implements OptInCeiling {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: OptInLimits,
  ) {}

  async reserve(shortCode: string, at: string): Promise<boolean> {
    const { minute, day } = optInPeriods(at);
    // The minute first: in a burst it is the one that runs out, and the day counter is not touched.
    if (!(await this.take(shortCode, minute, this.limits.perMinute, at, 1))) return false;
    if (await this.take(shortCode, day, this.limits.perDay, at, 7)) return true;
    await this.giveBack(shortCode, minute);
    return false;
  }

  private take(shortCode: string, period: string, limit: number, at: string, keepDays: number): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.optInCounter(shortCode, period),
          UpdateExpression: 'ADD #count :one SET #type = :type, expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':type': 'opt-in-counter', ':expires': expiresAt(at, keepDays) },
        }),
      ),
    );
  }

  /** The day is full: the minute's slot goes back, so the minute counts only opt-ins that happened. */
  private async giveBack(shortCode: string, period: string): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.optInCounter(shortCode, period),
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      ),
    );
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
