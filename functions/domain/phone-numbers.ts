import { parsePhoneNumberFromString } from './phone-metadata';

const SHORT_CODE = /^\d{3,8}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** E.164 for phone numbers (US by default); short codes are kept as they are. */
export function normalizeAddress(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (SHORT_CODE.test(compact)) return compact;
  const parsed = parsePhoneNumberFromString(compact, 'US');
  return parsed?.isPossible() ? parsed.number : undefined;
}

/** Whether an address is a person's phone number (E.164), not a short code or another service's sender id. */
export function isE164(address: string): boolean {
  return E164.test(address);
}

/**
 * The ISO 3166 alpha-2 country of an E.164 number, as libphonenumber-js places it. A number it cannot
 * place exactly (a +1 number in an unassigned or fictional range such as 555) counts as the main
 * country of its calling code (US for +1); undefined for anything that is not a phone number.
 */
export function countryOf(e164: string): string | undefined {
  if (!isE164(e164)) return undefined;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country ?? parsed?.getPossibleCountries()[0];
}

// Masking lives apart (no libphonenumber-js metadata) so functions that only log numbers stay small.
export { maskedError, maskPhone, maskPhonesIn } from './phone-masking';
