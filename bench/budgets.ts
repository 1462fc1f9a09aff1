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
