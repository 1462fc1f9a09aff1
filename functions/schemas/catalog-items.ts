import * as z from 'zod/mini';
import { KEYWORD_PATTERN, RESERVED_WORDS, SHARE_WORDS } from '../domain/compliance';
import { DEFAULT_ALLOWED_COUNTRIES, DEFAULT_REPLY_LIMIT_PER_HOUR } from '../domain/limits';
import './english-messages';

/**
 * The catalog items marketers edit in the DynamoDB console: flat, readable attributes. Lists may be
 * typed as a DynamoDB list, a string set or a comma-separated string; keywords in any case.
 */

/** A string, trimmed and upper-cased before `checks` run. */
const upperCased = (...checks: z.core.$ZodCheck<string>[]) => z.string().check(z.trim(), z.toUpperCase(), ...checks);

const keyword = upperCased(
  z.regex(KEYWORD_PATTERN, 'must be 1-30 letters or digits'),
  z.refine((value: string) => !RESERVED_WORDS.has(value), 'is a reserved compliance word (STOP, HELP, START…)'),
  z.refine((value: string) => !(SHARE_WORDS as readonly string[]).includes(value), `is reserved for subscribers asking for their invitation to pass on (${SHARE_WORDS.join(', ')})`),
);

/**
 * Where each keyword or alias is advertised ("billboard I-55 northbound"): keys in any case, read
 * upper-cased like keywords; two keys that differ only in case are refused rather than one dropped.
 * That each key is the program's keyword or alias is checked on the program item.
 */
const placements = z.pipe(
  z.record(z.string(), z.string().check(z.trim(), z.minLength(1, 'must be 1-80 characters'), z.maxLength(80, 'must be 1-80 characters'))).check(
    z.refine((map) => new Set(Object.keys(map).map((key) => key.trim().toUpperCase())).size === Object.keys(map).length, 'names a keyword twice (keys are read in upper case)'),
  ),
  z.transform((map: Record<string, string>) => Object.fromEntries(Object.entries(map).map(([key, placement]) => [key.trim().toUpperCase(), placement]))),
);

const stringList = z.pipe(
  z.transform((value: unknown) => {
    if (value instanceof Set) return [...value] as unknown;
    if (typeof value === 'string') return value.split(',').map((part) => part.trim()).filter(Boolean);
    return value;
  }),
  z.array(z.string().check(z.minLength(1))),
);

const country = upperCased(z.refine(isCountryCode, 'must be an ISO 3166 alpha-2 country code such as US or CA'));

/** A trimmed string of `min` to `max` characters. */
const trimmed = (min: number, max?: number) => z.string().check(z.trim(), z.minLength(min), ...(max === undefined ? [] : [z.maxLength(max)]));
/** A whole number from `min` to `max`. */
const whole = (min: number, max?: number) => z.int().check(z.gte(min), ...(max === undefined ? [] : [z.lte(max)]));
/** A number from `min` to `max`. */
const between = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));
const regex = (pattern: RegExp, message?: string) => z.string().check(z.regex(pattern, message));

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
  pk: regex(/^PROGRAM#[a-z0-9-]{1,40}$/, 'must look like PROGRAM#krusty-burger'),
  sk: z.literal('PROGRAM'),
  name: trimmed(1, 40),
  brandName: z.optional(trimmed(1)),
  shortCode: regex(/^\d{5,6}$|^\+\d{8,15}$/, 'must be a 5-6 digit short code or an E.164 number'),
  keyword,
  aliases: z._default(z.pipe(stringList, z.array(keyword)), []),
  helpContact: trimmed(3),
  frequency: trimmed(3),
  timeZoneFallback: z._default(z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as America/New_York')), 'America/New_York'),
  lunchTime: z._default(regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)'), '12:00'),
  questionEvery: z._default(whole(1, 50), 3),
  /** Marketing messages per subscriber per rolling day / week; keep them within `frequency`. */
  maxPerDay: z._default(whole(1, 20), 1),
  maxPerWeek: z._default(whole(1, 50), 3),
  /** Where a happy customer is sent to leave a review. */
  reviewUrl: z.optional(z.url()),
  /** Hours after a purchase that the "how was it?" question goes out. */
  surveyDelayHours: z._default(between(0, 72), 2),
  /** Days after a purchase that the cross-sell offer goes out, when the program has one. */
  crossSellDelayDays: z._default(between(0, 60), 3),
  /** Referral rewards per referrer per calendar month. */
  referralRewardsPerMonth: z._default(whole(0, 100), 5),
  /** Countries whose numbers the program answers (ISO 3166 alpha-2); texts from elsewhere get no reply. */
  allowedCountries: z._default(z.pipe(stringList, z.array(country).check(z.minLength(1))), [...DEFAULT_ALLOWED_COUNTRIES]),
  /** HELP and "already subscribed" replies per number in any 60 minutes; more are recorded, not answered. */
  replyLimitPerHour: z._default(whole(1, 30), DEFAULT_REPLY_LIMIT_PER_HOUR),
  /** Keyword or alias → where it is advertised; recorded with each opt-in that texts it. */
  placements: z._default(placements, {}),
}).check(
  z.superRefine((program, ctx) => {
    const words = [program.keyword, ...program.aliases];
    // Keys as typed when the placements themselves were refused (then not upper-cased yet).
    for (const key of Object.keys(program.placements ?? {})) {
      if (words.includes(key.trim().toUpperCase())) continue;
      ctx.addIssue({ code: 'custom', input: key, path: ['placements', key], message: `${key} is not this program's keyword or one of its aliases (${words.join(', ')})` });
    }
  }),
);

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const offerKinds = ['welcome', 'lunch', 'post-purchase', 'birthday', 'cross-sell', 'referral-reward', 'profile-reward', 'campaign'] as const;

/**
 * The kinds whose offer is chosen per subscriber (offer-choice.ts): only these may name where they
 * apply. A welcome goes out before a ZIP is known; a profile reward is named by its question, a
 * campaign offer by its campaign (whose segment says where).
 */
export const locatedOfferKinds: readonly string[] = ['lunch', 'post-purchase', 'birthday', 'cross-sell', 'referral-reward'];

/** US state codes, upper-cased; the reason names the code that is not one. */
const stateCodes = z.pipe(
  stringList,
  z.array(upperCased(z.refine((code: string) => isStateCode(code), { error: (issue) => `${JSON.stringify(issue.input)} is not a US state code (such as IL or WI)` }))).check(
    z.minLength(1, 'must list at least one state code (or leave the attribute out)'),
  ),
);

/** ZIP prefixes: 1-5 digits each; the reason names the one that is not. */
const zipPrefixes = z.pipe(
  stringList,
  z.array(z.string().check(z.trim(), z.refine((prefix: string) => /^\d{1,5}$/.test(prefix), { error: (issue) => `${JSON.stringify(issue.input)} is not a ZIP prefix (1-5 digits, such as 627)` }))).check(
    z.minLength(1, 'must list at least one ZIP prefix (or leave the attribute out)'),
  ),
);

export const offerItem = z.object({
  pk: z.string().check(z.startsWith('PROGRAM#')),
  sk: regex(/^OFFER#[a-z0-9-]{1,40}$/, 'must look like OFFER#welcome'),
  kind: z.enum(offerKinds),
  copy: trimmed(1, 320),
  discountPercent: z.optional(between(0, 100)),
  validDays: z._default(whole(1, 365), 30),
  /** An image sent with the offer's text, which makes it an MMS (https: the carrier fetches it). */
  mediaUrl: z.optional(z.url({ protocol: /^https$/, error: 'must be an https URL (the carrier fetches it)' })),
  /** Weekdays the offer may go out, e.g. "Mon,Tue,Wed,Thu,Fri"; absent = every day. */
  days: z.optional(
    z.pipe(
      stringList,
      z.array(
        z.pipe(
          z.pipe(z.string(), z.transform((day: string) => WEEKDAYS.indexOf(day.trim().slice(0, 3).toLowerCase()) + 1)),
          z.number().check(z.gte(1, 'days must be Mon, Tue, Wed, Thu, Fri, Sat or Sun')),
        ),
      ),
    ),
  ),
  /** Only for subscribers in these US states, e.g. "IL,WI" (see offer-choice.ts for how an offer is chosen). */
  states: z.optional(stateCodes),
  /** Only for subscribers whose ZIP starts with one of these, e.g. "627,628"; more specific than states. */
  zipPrefixes: z.optional(zipPrefixes),
}).check(
  ...(['states', 'zipPrefixes'] as const).map((field) =>
    z.refine<{ kind: string; states?: unknown; zipPrefixes?: unknown }>((offer) => locatedOfferKinds.includes(offer.kind) || offer[field] === undefined, {
      message: `only ${locatedOfferKinds.join(', ')} offers may name where they apply (a welcome goes out before the ZIP is known; a profile reward goes to whoever answers its question)`,
      path: [field],
    }),
  ),
);

export const profileFields = ['zip', 'meal', 'birthday', 'email', 'receipts'] as const;

export const questionItem = z.object({
  pk: z.string().check(z.startsWith('PROGRAM#')),
  sk: z.enum(profileFields.map((field) => `QUESTION#${field}`) as [string, ...string[]], {
    message: `must be QUESTION#${profileFields.join(' | QUESTION#')}`,
  }),
  order: whole(1),
  prompt: trimmed(1, 320),
  example: trimmed(1, 80),
  choices: z.optional(stringList),
  /** The coupon answering earns, once per subscriber: the sk of one of the program's offers. */
  reward: z.optional(regex(/^OFFER#[a-z0-9-]{1,40}$/, 'must be the sk of an offer, such as OFFER#free-shake')),
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
  'share-invite',
  'referral-reward',
  'sweepstakes-entered',
  'sweepstakes-already-entered',
  'sweepstakes-not-open',
  'sweepstakes-closed',
  'sweepstakes-join-hint',
  'sweepstakes-won',
  'sweepstakes-invite',
] as const;

export const templateItem = z.object({
  pk: z.string().check(z.startsWith('PROGRAM#')),
  sk: z.enum(templateNames.map((name) => `TEMPLATE#${name}`) as [string, ...string[]], {
    message: `must be TEMPLATE#${templateNames.join(' | TEMPLATE#')}`,
  }),
  body: trimmed(1, 480),
  /** An image sent with the text (an MMS); only templates named in MEDIA_TEMPLATES may have one. */
  mediaUrl: z.optional(z.url({ protocol: /^https$/, error: 'must be an https URL (the carrier fetches it)' })),
});

/** US state and territory codes a ZIP can map to (see us-zip-states), for campaign segments. */
const STATE_CODES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'.split(' '),
);

function isStateCode(code: string): boolean {
  return STATE_CODES.has(code);
}

function isCalendarDate(value: string): boolean {
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

/** Who a campaign goes to: every condition given must hold; none given means every live subscriber. */
export const campaignSegment = z.object({
  states: z.optional(z.pipe(stringList, z.array(upperCased(z.refine((code: string) => STATE_CODES.has(code), 'must be US state codes such as IL, WI'))))),
  zipPrefixes: z.optional(z.pipe(stringList, z.array(regex(/^\d{1,5}$/, 'must be 1-5 digit ZIP prefixes such as 627')))),
  timeZones: z.optional(z.pipe(stringList, z.array(z.string().check(z.refine(isTimeZone, 'must be IANA time zones such as America/Chicago'))))),
  meals: z.optional(stringList),
  keywords: z.optional(z.pipe(stringList, z.array(keyword))),
  joinedWithinDays: z.optional(whole(1, 3650)),
  purchasedWithinDays: z.optional(whole(1, 3650)),
  notPurchasedWithinDays: z.optional(whole(1, 3650)),
});

export const campaignStatuses = ['draft', 'scheduled'] as const;

export const campaignVariant = z.object({
  id: regex(/^[a-z0-9-]{1,20}$/, 'must be 1-20 lower-case letters, digits or dashes'),
  copy: trimmed(1, 480),
  mediaUrl: z.optional(z.url({ protocol: /^https$/, error: 'must be an https URL (the carrier fetches it)' })),
  weight: z._default(between(0.01, 1000), 1),
});

export const campaignItem = z
  .object({
    pk: z.string().check(z.startsWith('PROGRAM#')),
    sk: regex(/^CAMPAIGN#[a-z0-9-]{1,40}$/, 'must look like CAMPAIGN#spring-menu'),
    name: trimmed(1, 80),
    status: z.enum(campaignStatuses, { message: `must be ${campaignStatuses.join(' or ')}` }),
    sendOn: regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD').check(z.refine(isCalendarDate, 'must be a real calendar date')),
    localTime: regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)'),
    segment: z._default(campaignSegment, {}),
    variants: z.array(campaignVariant).check(
      z.minLength(1, 'needs at least one variant'),
      z.refine((variants) => new Set(variants.map((v) => v.id)).size === variants.length, 'variant ids must be unique'),
    ),
    offer: z.optional(regex(/^OFFER#[a-z0-9-]{1,40}$/, 'must be the sk of an offer, such as OFFER#lunch')),
  })
  .check(
    z.refine((item) => !(item.segment.purchasedWithinDays && item.segment.notPurchasedWithinDays && item.segment.notPurchasedWithinDays >= item.segment.purchasedWithinDays), {
      message: 'leaves nobody: with purchasedWithinDays (bought within P days) it must be shorter than P (lapsing: bought within 90, not within 30)',
      path: ['segment', 'notPurchasedWithinDays'],
    }),
  );

/**
 * A text-to-win sweepstakes: its own keyword on the program's short code; entering is not consent
 * to marketing. Dates are local dates in `timeZone` (default: the program's timeZoneFallback), the
 * same instant for every entrant, as official rules state one ("ends 11:59 PM CT on …").
 */
export const sweepstakesItem = z
  .object({
    pk: z.string().check(z.startsWith('PROGRAM#')),
    sk: regex(/^SWEEPSTAKES#[a-z0-9-]{1,40}$/, 'must look like SWEEPSTAKES#summer-grill'),
    name: trimmed(1, 60),
    keyword,
    startsOn: regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD').check(z.refine(isCalendarDate, 'must be a real calendar date')),
    endsOn: regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD').check(z.refine(isCalendarDate, 'must be a real calendar date')),
    timeZone: z.optional(z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as America/Chicago'))),
    prize: trimmed(1, 80),
    rulesUrl: z.url({ protocol: /^https$/, error: 'must be an https URL (the official rules)' }),
    entriesPerDay: z._default(whole(1, 10), 1),
    winners: z._default(whole(1, 100), 1),
  })
  .check(
    z.refine((item) => item.startsOn <= item.endsOn, { message: 'must not be before startsOn', path: ['endsOn'] }),
  );

export type ProgramItem = z.infer<typeof programItem>;
export type SweepstakesItem = z.infer<typeof sweepstakesItem>;
export type OfferItem = z.infer<typeof offerItem>;
export type QuestionItem = z.infer<typeof questionItem>;
export type TemplateItem = z.infer<typeof templateItem>;
export type CampaignItem = z.infer<typeof campaignItem>;
export type CampaignSegment = z.infer<typeof campaignSegment>;
