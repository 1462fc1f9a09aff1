import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markerKind, type Coupon } from '../domain/coupons';
import { maskPhonesIn } from '../domain/phone-masking';
import type { CouponStore, IssueOptions, IssueResult } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { coalesce } from './coalesce';
import { conditionHeld } from './conditional-writes';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type Issue = { coupon: Coupon; period: string; options?: IssueOptions };

/** A coupon's "once per period" marker: per kind of offer, not per offer. */
const markerOf = (coupon: Coupon, period: string) => audienceKeys.offerMarker(coupon.phone, coupon.programId, markerKind(coupon), period);

/**
 * Where the marker was before markers were per kind (the offerId in the kind's place), when that is
 * another key: a one-off grant (checkOldMarker) also checks nothing is there, so a period issued
 * before the change (a referral reward for a friend, kept for good) is not issued a second time.
 */
const oldMarkerOf = (coupon: Coupon, period: string) => (markerKind(coupon) === coupon.offerId ? undefined : audienceKeys.offerMarker(coupon.phone, coupon.programId, coupon.offerId, period));

/** How long coupon records outlive their validity, for redemption disputes and reporting. */
const COUPON_RETENTION_DAYS = 400;

/**
 * Coupons keyed by code (so the till finds them with one read) plus, per subscriber, a marker per
 * kind of offer and period. Both are written in one transaction with attribute_not_exists: a code is
 * never issued twice, and nobody gets two offers of a kind in its period (one lunch coupon a day,
 * whichever of the lunch offers). The marker carries the coupon's offer, code and dates: when its
 * condition fails, DynamoDB returns it (ReturnValuesOnConditionCheckFailure), which is all a retry
 * needs to queue the very same text again, without another read.
 */
export class DynamoCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The marker and the coupon: two Puts that only create (and, when asked, a check of the marker's old key). */
  private issueItems({ coupon, period, options = {} }: Issue): TransactItem[] {
    const oldMarker = options.checkOldMarker ? oldMarkerOf(coupon, period) : undefined;
    const marker = markerOf(coupon, period);
    const expires = expiresAt(coupon.validUntil, COUPON_RETENTION_DAYS);
    const { code, offerId, issuedAt, validUntil } = coupon;
    return [
      {
        Put: {
          TableName: this.tableName,
          // The coupon's offer, code and dates ride along, so a retry rebuilds its very text from the failed condition alone.
          Item: { ...marker, type: 'offer-marker', offerId, code, issuedAt, validUntil, notified: options.notified === true, expiresAt: expires },
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
      ...(oldMarker ? [{ ConditionCheck: { TableName: this.tableName, Key: oldMarker, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } }] : []),
    ];
  }

  /** What a refused issue means, from its cancellation reasons (marker, coupon, old marker); undefined when no condition failed. */
  private refused(request: Issue, reasons: CancellationReason[]): Promise<IssueResult> | undefined {
    const [markerReason, couponReason, oldMarkerReason] = reasons;
    const { coupon, period } = request;
    if (markerReason?.Code === 'ConditionalCheckFailed') {
      return this.existing(coupon, markerOf(coupon, period), markerReason.Item && unmarshall(markerReason.Item));
    }
    const oldMarker = oldMarkerOf(coupon, period);
    if (oldMarker && oldMarkerReason?.Code === 'ConditionalCheckFailed') {
      // Issued before markers were per kind: that key named this very offer.
      return this.existing(coupon, oldMarker, oldMarkerReason.Item && unmarshall(oldMarkerReason.Item), coupon.offerId);
    }
    if (couponReason?.Code === 'ConditionalCheckFailed') return Promise.resolve({ outcome: 'code-taken' });
    return undefined;
  }

  async issue(coupon: Coupon, period: string, options: IssueOptions = {}): Promise<IssueResult> {
    const request = { coupon, period, options };
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: this.issueItems(request) }));
      return { outcome: 'issued' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return (await this.refused(request, error.CancellationReasons ?? [])) ?? { outcome: 'code-taken' };
    }
  }

  /**
   * Several subscribers' coupons in one transaction: the same items and conditions as one `issue`
   * each (transactional writes either way, so the same capacity), in fewer requests. When DynamoDB
   * refuses it, its cancellation reasons say which issue failed its condition (issued before, or a
   * code taken: answered as `issue` would) and which were only held back by them: those go again
   * together. Anything else (a conflicting transaction in flight, throttling) sends the rest one by one.
   */
  async issueMany(requests: Issue[]): Promise<IssueResult[]> {
    const results: (IssueResult | Promise<IssueResult>)[] = new Array(requests.length);
    let open = requests.map((_, index) => index);
    // Two actions on one item (the same code drawn twice, one period asked twice) are not allowed in one transaction.
    const keys = requests.flatMap(({ coupon, period }) => [JSON.stringify(markerOf(coupon, period)), JSON.stringify(audienceKeys.coupon(coupon.code))]);
    if (new Set(keys).size < keys.length) open = [];
    for (let round = 0; open.length > 1 && round < 3; round += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: open.flatMap((index) => this.issueItems(requests[index]!)) }));
        for (const index of open) results[index] = { outcome: 'issued' };
        open = [];
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const again: number[] = [];
        let clean = true;
        let offset = 0;
        open.forEach((index) => {
          // Each issue's own reasons: two, or three with the old marker's check.
          const count = this.issueItems(requests[index]!).length;
          const own = reasons.slice(offset, offset + count);
          offset += count;
          const answer = this.refused(requests[index]!, own);
          if (answer) results[index] = answer;
          else again.push(index);
          if (own.some((reason) => reason.Code && reason.Code !== 'None' && reason.Code !== 'ConditionalCheckFailed')) clean = false;
        });
        open = again;
        if (!clean) break;
      }
    }
    for (const index of open) results[index] = this.issue(requests[index]!.coupon, requests[index]!.period, requests[index]!.options);
    return Promise.all(results);
  }

  /**
   * The coupon this period already has, from the marker the failed condition returned (read only when
   * it lacks the coupon's dates): its own offer, which may be another offer of the kind than the one
   * attempted now. A marker from before markers carried the offer sits at a key whose kind segment was
   * its offerId (it is found at a kind's key only when the two are the same), so that is its offer.
   */
  private async existing(attempted: Coupon, marker: Record<string, string>, old: Record<string, unknown> | undefined, keyOfferId = markerKind(attempted)): Promise<IssueResult> {
    const Item = old ?? (await this.client.send(new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }))).Item;
    const notified = Item?.notified === true;
    if (Item && typeof Item.issuedAt === 'string' && typeof Item.validUntil === 'string') {
      const { phone, programId } = attempted;
      const offerId = typeof Item.offerId === 'string' ? Item.offerId : keyOfferId;
      const kind = attempted.kind === undefined ? {} : { kind: attempted.kind };
      // The source it was issued under is the attempt's: the same grant (a campaign's recipient keeps their variant).
      const source = attempted.source ? { source: { ...attempted.source, ...(attempted.source.offerId ? { offerId } : {}) } } : {};
      return { outcome: 'exists', coupon: { code: Item.code as string, phone, programId, offerId, ...kind, ...source, issuedAt: Item.issuedAt, validUntil: Item.validUntil, status: 'issued' }, notified };
    }
    // A marker written before markers carried the coupon's dates.
    const coupon = Item && (await this.find(Item.code as string));
    // The marker's period may be a friend's number (referral rewards): never a whole number in an error.
    if (!Item || !coupon) throw new Error(`offer marker ${maskPhonesIn(marker.sk)} has no coupon`);
    return { outcome: 'exists', coupon, notified };
  }

  /** Marks the marker that holds the coupon (its kind's, or the old key's for a coupon issued before markers were per kind). */
  async markNotified(coupon: Coupon, period: string): Promise<void> {
    const mark = (Key: Record<string, string>) =>
      conditionHeld(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET notified = :true',
            ConditionExpression: 'code = :code',
            ExpressionAttributeValues: { ':true': true, ':code': coupon.code },
          }),
        ),
      );
    if (await mark(markerOf(coupon, period))) return;
    const oldMarker = oldMarkerOf(coupon, period);
    if (oldMarker) await mark(oldMarker);
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

/** TransactWriteItems takes 100 actions: 50 coupons with their markers. */
const COUPONS_PER_TRANSACTION = 50;

/**
 * The coupon store as one invocation that issues to many subscribers side by side uses it (the lunch
 * fan-out's page): the coupons its workers issue in the same moment go to DynamoDB as one transaction
 * (`issueMany`), every other call as it is.
 */
export function issuingTogether(store: DynamoCouponStore): CouponStore {
  const issue = coalesce((requests: Issue[]) => (requests.length === 1 ? store.issue(requests[0]!.coupon, requests[0]!.period, requests[0]!.options).then((one) => [one]) : store.issueMany(requests)), COUPONS_PER_TRANSACTION);
  return {
    issue: (coupon, period, options) => issue({ coupon, period, ...(options ? { options } : {}) }),
    markNotified: (coupon, period) => store.markNotified(coupon, period),
    find: (code) => store.find(code),
    markRedeemed: (coupon, orderId, at) => store.markRedeemed(coupon, orderId, at),
  };
}
