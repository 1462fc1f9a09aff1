import type { FunctionName } from '../lib/topology';

/**
 * Minified-bundle budget per topology function, in bytes. `satisfies Record<FunctionName, …>` makes
 * a new function in lib/topology.ts fail type-checking here until someone decides its budget.
 * Only send-sms bundles the twilio REST client (axios, qs, jsonwebtoken …), hence its larger budget.
 */
const MB = 1024 * 1024;

export const bundleBudgets = {
  receiveSms: 1 * MB,
  trackDelivery: 1 * MB,
  // libphonenumber-js's metadata (~125 KB) places a sender's country for allowedCountries.
  converse: 1.25 * MB,
  sendSms: 1.5 * MB,
  sendFollowUps: 1 * MB,
  dispatchLunch: 1 * MB,
  issueLunchCoupons: 1 * MB,
  handlePurchase: 1 * MB,
} satisfies Record<FunctionName, number>;

export function budgetFor(name: string): number | undefined {
  return (bundleBudgets as Record<string, number>)[name];
}

/**
 * What `npm run bench` holds the gateway to beyond bundle sizes; a miss makes it exit 1, naming it.
 * - sender: the short code's rate as the carrier sees it, measured at SENDER_MPS (default 100).
 * - requestsPerText: DynamoDB requests per inbound text of each kind, its replies sent included
 *   (receive-sms, converse and send-sms together; status callbacks are the carrier's, not counted).
 */
export const budgets = {
  sender: {
    /** Sustained while work is queued, as a share of SENDER_MPS. */
    minShareOfRate: 0.9,
    /** Messages in the busiest 1-second window, as a share of SENDER_MPS (one-segment messages). */
    maxBusiestSecondOfRate: 1.0,
  },
  lunchIssuing: {
    /** Issuing a page's subscribers vs the same writes and queue sends done raw, same stand-ins, same run. */
    maxRatioToRaw: 1.5,
    /** DynamoDB requests per coupon issued, the page's Query and BatchGetItem shared out. */
    maxRequestsPerCoupon: 1.1,
  },
  requestsPerText: {
    /** A new opt-in: the welcome and the ZIP question. */
    KRUSTY: 5,
    HELP: 4,
  } as Record<string, number>,
};
