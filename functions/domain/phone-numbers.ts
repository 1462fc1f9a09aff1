import { parsePhoneNumberFromString } from 'libphonenumber-js';

const SHORT_CODE = /^\d{3,8}$/;

/** E.164 for phone numbers (US by default); short codes are kept as they are. */
export function normalizeAddress(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (SHORT_CODE.test(compact)) return compact;
  const parsed = parsePhoneNumberFromString(compact, 'US');
  return parsed?.isPossible() ? parsed.number : undefined;
}

/** For logs: enough to tell numbers apart, never the whole number. */
export function maskPhone(phone: string): string {
  if (SHORT_CODE.test(phone)) return phone;
  return phone.length <= 4 ? '****' : `${phone.slice(0, 2)}${'*'.repeat(Math.max(0, phone.length - 6))}${phone.slice(-4)}`;
}
