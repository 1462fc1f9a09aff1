import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Coupon } from '../domain/coupons';
import { maskPhonesIn } from '../domain/phone-masking';
import type { CouponStore, IssueResult } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/** How long coupon records outlive their validity, for redemption disputes and reporting. */
const COUPON_RETENTION_DAYS = 400;

/**
 * Coupons keyed by code (so the till finds them with one read) plus, per subscriber, a marker per
 * offer and period. Both are written in one transaction with attribute_not_exists: a code is never
 * issued twice, and nobody gets the same offer twice in its period.
 */
export class DynamoCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async issue(coupon: Coupon, period: string): Promise<IssueResult> {
    const marker = audienceKeys.offerMarker(coupon.phone, coupon.programId, coupon.offerId, period);
    const expires = expiresAt(coupon.validUntil, COUPON_RETENTION_DAYS);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...marker, type: 'offer-marker', code: coupon.code, notified: false, expiresAt: expires },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...audienceKeys.coupon(coupon.code), type: 'coupon', ...coupon, expiresAt: expires },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { outcome: 'issued' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [markerReason] = error.CancellationReasons ?? [];
      if (markerReason?.Code !== 'ConditionalCheckFailed') return { outcome: 'code-taken' };
      return this.existing(marker);
    }
  }

  private async existing(marker: Record<string, string>): Promise<IssueResult> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }));
    const coupon = Item && (await this.find(Item.code as string));
    // The marker's period may be a friend's number (referral rewards): never a whole number in an error.
    if (!Item || !coupon) throw new Error(`offer marker ${maskPhonesIn(marker.sk)} has no coupon`);
    return { outcome: 'exists', coupon, notified: Item.notified === true };
  }

  async markNotified(coupon: Coupon, period: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.offerMarker(coupon.phone, coupon.programId, coupon.offerId, period),
        UpdateExpression: 'SET notified = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  async find(code: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.coupon(code), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, expiresAt: _expiresAt, ...coupon } = Item;
    return coupon as Coupon;
  }

  async markRedeemed(coupon: Coupon, orderId: string, at: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.coupon(coupon.code),
          UpdateExpression: 'SET #status = :redeemed, redeemedAt = :at, orderId = :orderId',
          ConditionExpression: '#status = :issued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':redeemed': 'redeemed', ':issued': 'issued', ':at': at, ':orderId': orderId },
        }),
      ),
    );
  }
}
