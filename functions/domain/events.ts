/**
 * The gateway's own domain events, published on its bus for CRMs and analytics. Each carries an id
 * derived from what caused it, so a consumer can drop the duplicates at-least-once delivery brings.
 */
export type DomainEventType =
  | 'SubscriberOptedIn'
  | 'SubscriberOptedOut'
  | 'ProfileAnswered'
  | 'CouponIssued'
  | 'CouponRedeemed'
  | 'SurveyAnswered'
  | 'ReferralCompleted'
  | 'CampaignSent'
  | 'SweepstakesEntered'
  | 'SweepstakesWon';

export interface DomainEvent {
  type: DomainEventType;
  /** Stable across retries of the same cause. */
  id: string;
  at: string;
  detail: Record<string, unknown>;
}

export const EVENT_SOURCE = 'sms-gateway';
