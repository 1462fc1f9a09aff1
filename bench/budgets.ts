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
  converse: 600 * KB,
  sendSms: 600 * KB,
  sendFollowUps: 600 * KB,
  dispatchLunch: 600 * KB,
  issueLunchCoupons: 600 * KB,
  handlePurchase: 600 * KB,
} satisfies Record<FunctionName, number>;

export function budgetFor(name: string): number | undefined {
  return (bundleBudgets as Record<string, number>)[name];
}
