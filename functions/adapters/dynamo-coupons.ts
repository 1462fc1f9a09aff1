import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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
 * issued twice, and nobody gets the same offer twice in its period. The marker carries the coupon's
 * code and dates: when its condition fails, DynamoDB returns it (ReturnValuesOnConditionCheckFailure),
 * which is all a retry needs to queue the same text again, without another read.
 */
export class DynamoCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async issue(coupon: Coupon, period: string, options: { notified?: boolean } = {}): Promise<IssueResult> {
    const marker = audienceKeys.offerMarker(coupon.phone, coupon.programId, coupon.offerId, period);
    const expires = expiresAt(coupon.validUntil, COUPON_RETENTION_DAYS);
    const { code, issuedAt, validUntil } = coupon;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                // The coupon's code and dates ride along, so a retry rebuilds its text from the failed condition alone.
                Item: { ...marker, type: 'offer-marker', code, issuedAt, validUntil, notified: options.notified === true, expiresAt: expires },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
      return this.existing(coupon, marker, markerReason.Item && unmarshall(markerReason.Item));
    }
  }

  /** The coupon this period already has, from the marker the failed condition returned (read only when it lacks the coupon's dates). */
  private async existing(attempted: Coupon, marker: Record<string, string>, old: Record<string, unknown> | undefined): Promise<IssueResult> {
    const Item = old ?? (await this.client.send(new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }))).Item;
    const notified = Item?.notified === true;
    if (Item && typeof Item.issuedAt === 'string' && typeof Item.validUntil === 'string') {
      const { phone, programId, offerId } = attempted;
      return { outcome: 'exists', coupon: { code: Item.code as string, phone, programId, offerId, issuedAt: Item.issuedAt, validUntil: Item.validUntil, status: 'issued' }, notified };
    }
    // A marker written before markers carried the coupon's dates.
    const coupon = Item && (await this.find(Item.code as string));
    // The marker's period may be a friend's number (referral rewards): never a whole number in an error.
    if (!Item || !coupon) throw new Error(`offer marker ${maskPhonesIn(marker.sk)} has no coupon`);
    return { outcome: 'exists', coupon, notified };
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
