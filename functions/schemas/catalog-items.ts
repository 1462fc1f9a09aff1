import { z } from 'zod';
import { KEYWORD_PATTERN, RESERVED_WORDS } from '../domain/compliance';
import { DEFAULT_ALLOWED_COUNTRIES, DEFAULT_REPLY_LIMIT_PER_HOUR } from '../domain/limits';

/**
 * The catalog items marketers edit in the DynamoDB console: flat, readable attributes. Lists may be
 * typed as a DynamoDB list, a string set or a comma-separated string; keywords in any case.
 */

const keyword = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(
    z
      .string()
      .regex(KEYWORD_PATTERN, 'must be 1-30 letters or digits')
      .refine((value) => !RESERVED_WORDS.has(value), 'is a reserved compliance word (STOP, HELP, START…)'),
  );

const stringList = z.preprocess((value) => {
  if (value instanceof Set) return [...value];
  if (typeof value === 'string') return value.split(',').map((part) => part.trim()).filter(Boolean);
  return value;
}, z.array(z.string().min(1)));

const country = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(z.string().refine(isCountryCode, 'must be an ISO 3166 alpha-2 country code such as US or CA'));

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Grouping codes (EU, UN) and the unknown region are not countries a number can belong to. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO']);

/** An ISO 3166 alpha-2 country code, as ICU knows them (no phone-number metadata needed in every function). */
function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value) && !NOT_COUNTRIES.has(value) && regionNames.of(value) !== value;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const programItem = z.object({
  pk: z.string().regex(/^PROGRAM#[a-z0-9-]{1,40}$/, 'must look like PROGRAM#krusty-burger'),
  sk: z.literal('PROGRAM'),
  name: z.string().trim().min(1).max(40),
  brandName: z.string().trim().min(1).optional(),
  shortCode: z.string().regex(/^\d{5,6}$|^\+\d{8,15}$/, 'must be a 5-6 digit short code or an E.164 number'),
  keyword,
  aliases: stringList.pipe(z.array(keyword)).default([]),
  helpContact: z.string().trim().min(3),
  frequency: z.string().trim().min(3),
  timeZoneFallback: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York').default('America/New_York'),
  lunchTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)').default('12:00'),
  questionEvery: z.number().int().min(1).max(50).default(3),
  /** Marketing messages per subscriber per rolling day / week; keep them within `frequency`. */
  maxPerDay: z.number().int().min(1).max(20).default(1),
  maxPerWeek: z.number().int().min(1).max(50).default(3),
  /** Where a happy customer is sent to leave a review. */
  reviewUrl: z.url().optional(),
  /** Hours after a purchase that the "how was it?" question goes out. */
  surveyDelayHours: z.number().min(0).max(72).default(2),
  /** Days after a purchase that the cross-sell offer goes out, when the program has one. */
  crossSellDelayDays: z.number().min(0).max(60).default(3),
  /** Referral rewards per referrer per calendar month. */
  referralRewardsPerMonth: z.number().int().min(0).max(100).default(5),
  /** Countries whose numbers the program answers (ISO 3166 alpha-2); texts from elsewhere get no reply. */
  allowedCountries: stringList.pipe(z.array(country).min(1)).default([...DEFAULT_ALLOWED_COUNTRIES]),
  /** HELP and "already subscribed" replies per number in any 60 minutes; more are recorded, not answered. */
  replyLimitPerHour: z.number().int().min(1).max(30).default(DEFAULT_REPLY_LIMIT_PER_HOUR),
});

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const offerKinds = ['welcome', 'lunch', 'post-purchase', 'birthday', 'cross-sell', 'referral-reward'] as const;

export const offerItem = z.object({
  pk: z.string().startsWith('PROGRAM#'),
  sk: z.string().regex(/^OFFER#[a-z0-9-]{1,40}$/, 'must look like OFFER#welcome'),
  kind: z.enum(offerKinds),
  copy: z.string().trim().min(1).max(320),
  discountPercent: z.number().min(0).max(100).optional(),
  validDays: z.number().int().min(1).max(365).default(30),
  /** Weekdays the offer may go out, e.g. "Mon,Tue,Wed,Thu,Fri"; absent = every day. */
  days: stringList
    .pipe(z.array(z.string().transform((day) => WEEKDAYS.indexOf(day.trim().slice(0, 3).toLowerCase()) + 1).pipe(z.number().min(1, 'days must be Mon, Tue, Wed, Thu, Fri, Sat or Sun'))))
    .optional(),
});

export const profileFields = ['zip', 'meal', 'birthday', 'email', 'receipts'] as const;

export const questionItem = z.object({
  pk: z.string().startsWith('PROGRAM#'),
  sk: z.enum(profileFields.map((field) => `QUESTION#${field}`) as [string, ...string[]], {
    message: `must be QUESTION#${profileFields.join(' | QUESTION#')}`,
  }),
  order: z.number().int().min(1),
  prompt: z.string().trim().min(1).max(320),
  example: z.string().trim().min(1).max(80),
  choices: stringList.optional(),
});

export const templateNames = [
  'welcome',
  'welcome-back',
  'already-subscribed',
  'profile-thanks',
  'profile-retry',
  'profile-skipped',
  'fallback',
  'fallback-stranger',
  'coupon',
  'thank-you',
  'receipt',
  'survey',
  'review-request',
  'feedback-request',
  'feedback-thanks',
  'share-text',
  'referral-reward',
] as const;

export const templateItem = z.object({
  pk: z.string().startsWith('PROGRAM#'),
  sk: z.enum(templateNames.map((name) => `TEMPLATE#${name}`) as [string, ...string[]], {
    message: `must be TEMPLATE#${templateNames.join(' | TEMPLATE#')}`,
  }),
  body: z.string().trim().min(1).max(480),
});

export type ProgramItem = z.infer<typeof programItem>;
export type OfferItem = z.infer<typeof offerItem>;
export type QuestionItem = z.infer<typeof questionItem>;
export type TemplateItem = z.infer<typeof templateItem>;
