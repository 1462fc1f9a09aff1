import type { FunctionName } from '../lib/topology';

/**
 * Minified-bundle budget per topology function, in bytes (KB = 1000, as the bench prints bytes).
 * `satisfies Record<FunctionName, …>` makes a new function in lib/topology.ts fail type-checking here
 * until someone decides its budget; test/infra/bundles.test.ts fails the build when a deployed bundle
 * is over. Why these figures: a bundle's size is most of its cold init (require() parses and runs it
 * all), and every function here answers a text or a queue within seconds. 600 KB leaves room above
 * today's largest (converse: luxon, libphonenumber-js and the ZIP → time zone table place a
 * subscriber; send-sms: twilio's client with axios and qs), while a whole library slipping back in
 * (classic zod ≈440 KB, twilio's full REST tree ≈500 KB) fails it. receive-sms answers Twilio's
 * webhook synchronously, so it is held tighter: it needs only a schema, the signature check and
 * libphonenumber-js (≈70 KB with its metadata) to normalize the sender.
 */
const KB = 1000;

export const bundleBudgets = {
  receiveSms: 250 * KB,
  trackDelivery: 600 * KB,
  // A subscriber waits on it (a tap, then the redirect): DynamoDB and EventBridge clients only.
  followLink: 400 * KB,
  converse: 600 * KB,
  sendSms: 600 * KB,
  sendFollowUps: 600 * KB,
  dispatchLunch: 600 * KB,
  issueLunchCoupons: 600 * KB,
  dispatchCampaigns: 600 * KB,
  sendCampaignPages: 600 * KB,
  handlePurchase: 600 * KB,
  recordStats: 600 * KB,
  // Static files read from disk: no SDK, no library.
  consolePage: 50 * KB,
  consoleAsset: 50 * KB,
  // The console's subscriber API (≈560 KB today: the DynamoDB client, zod, the number normalizer and
  // the conversation store's item reading); staff wait on it, no subscriber does.
  subscribersList: 600 * KB,
  subscriberDetail: 600 * KB,
  subscriberMessages: 600 * KB,
  // The console's read-only API for marketers: DynamoDB (and SQS for the problems) only, no Twilio.
  apiCatalog: 600 * KB,
  apiCampaigns: 600 * KB,
  apiReport: 600 * KB,
  apiProblems: 600 * KB,
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
    /**
     * Messages in the busiest 1-second window at the carrier, as a share of SENDER_MPS (one-segment
     * messages). The sender releases at most the rate in any second (unit tests on a virtual clock);
     * the 5% allows for arrival jitter: requests sent evenly that a stalled receiving process or
     * network hop lets arrive together.
     */
    maxBusiestSecondOfRate: 1.05,
  },
  lunchCoupon: {
    /** DynamoDB requests per lunch coupon from its page to the carrier: issuing and sending. */
    maxRequestsPageToCarrier: 3,
  },
  lunchIssuing: {
    /**
     * Issuing a page's subscribers vs the same items written raw (one transaction a subscriber) with
     * the same queue sends, same stand-ins, same run. Issuing puts its 16 workers' writes in one
     * transaction, so it should be faster than the raw baseline; 1.0 allows for the stand-ins' noise.
     */
    maxRatioToRaw: 1.0,
    /** DynamoDB requests per coupon issued: the page's Query and BatchGetItem and its transactions (16 subscribers each) shared out. */
    maxRequestsPerCoupon: 0.25,
  },
  requestsPerText: {
    /** A new opt-in: the welcome and the ZIP question. */
    KRUSTY: 5,
    HELP: 4,
  } as Record<string, number>,
  /** Write capacity units per inbound text, replies included (transactional items count twice). */
  writeUnitsPerText: {
    KRUSTY: 10,
  } as Record<string, number>,
  /**
   * The funnel report's stats writer, counted apart from the texting path above: one transaction per
   * domain event (its "counted" mark and a small counter item, 2 write units each), a few per text.
   * KRUSTY: KeywordReceived, SubscriberOptedIn and the two replies' MessageOutcome; HELP: HelpRequested
   * and the reply's MessageOutcome; a lunch coupon: CouponIssued and its text's MessageOutcome. The
   * margin above one request an event is for transactions retried after meeting another on an item.
   */
  funnelCounting: {
    perText: { KRUSTY: { requests: 4.4, writeUnits: 16.5 }, HELP: { requests: 2.2, writeUnits: 8.5 } } as Record<string, { requests: number; writeUnits: number }>,
    perLunchCoupon: { requests: 2.2, writeUnits: 8.5 },
  },
};
