/** Message copy marketers may override per program, and the placeholders each may use. */
export type TemplateName =
  | 'welcome'
  | 'welcome-back'
  | 'already-subscribed'
  | 'profile-thanks'
  | 'profile-retry'
  | 'profile-skipped'
  | 'fallback'
  | 'fallback-stranger'
  | 'coupon'
  | 'thank-you'
  | 'receipt'
  | 'survey'
  | 'review-request'
  | 'feedback-request'
  | 'feedback-thanks'
  | 'share-text'
  | 'share-invite'
  | 'referral-reward'
  | 'sweepstakes-entered'
  | 'sweepstakes-already-entered'
  | 'sweepstakes-not-open'
  | 'sweepstakes-closed'
  | 'sweepstakes-join-hint'
  | 'sweepstakes-won'
  | 'sweepstakes-invite';

/**
 * The templates whose text may carry an image (`mediaUrl`, sent as an MMS): the ones that stand for an
 * offer or a thank-you. The others are conversational replies (and the receipt carries the receipt's own image).
 */
export const MEDIA_TEMPLATES = ['welcome', 'coupon', 'referral-reward', 'thank-you'] as const satisfies readonly TemplateName[];
export type MediaTemplate = (typeof MEDIA_TEMPLATES)[number];

/** The image a template's text carries, when it is one that may and the catalog gave one. */
export function templateImage(media: Partial<Record<MediaTemplate, string>>, name: TemplateName): string | undefined {
  return (MEDIA_TEMPLATES as readonly TemplateName[]).includes(name) ? media[name as MediaTemplate] : undefined;
}

export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  welcome: "You're in! {offer}",
  'welcome-back': "Welcome back! You're subscribed again.",
  'already-subscribed': "{programName}: you're already signed up, no need to text {keyword} again. Reply HELP for help, STOP to cancel.",
  'profile-thanks': 'Thanks, got it!',
  'profile-retry': "Sorry, that didn't look right. Try something like {example}. {prompt}",
  'profile-skipped': "No problem, we'll skip that one.",
  fallback: "{programName}: sorry, we didn't get that. Reply HELP for help, STOP to opt out.",
  'fallback-stranger': 'Text {keyword} to join {programName}. Reply HELP for help.',
  coupon: '{brandName}: {offer} Code {code}, valid until {validUntil}. Reply STOP to opt out.',
  'thank-you': 'Thanks for visiting {brandName}! Order total {total}.',
  receipt: 'Your {brandName} receipt for {total}.',
  survey: '{brandName}: how was your visit? Reply 1-5 (5 = loved it).',
  'review-request': 'Thanks, that made our day! Review us: {reviewUrl} Friends can text {keyword} {referralCode} to {shortCode} to join. Share: {shareUrl}',
  'feedback-request': "Sorry we missed the mark. What could we do better? Just reply to this text.",
  'feedback-thanks': "Thank you, we've shared this with the {brandName} team.",
  'share-text': 'I get lunch deals from {brandName}: text {keyword} {referralCode} to {shortCode} to join.',
  'share-invite': 'Tell a friend: text {keyword} {referralCode} to {shortCode} to join {brandName} deals. Or share: {shareUrl}',
  'referral-reward': '{brandName}: your friend joined! Thanks for spreading the word. {offer} Code {code}, valid until {validUntil}.',
  'sweepstakes-entered': "{brandName}: you're entered to win {prize}! No purchase necessary. Ends {endsOn}. Rules: {rulesUrl}",
  'sweepstakes-already-entered': "{brandName}: you're already entered today. Try again tomorrow! Ends {endsOn}. Rules: {rulesUrl}",
  'sweepstakes-not-open': '{brandName}: {sweepstakesName} opens {startsOn}. Text {sweepstakesKeyword} then! Rules: {rulesUrl}',
  'sweepstakes-closed': '{brandName}: {sweepstakesName} is closed (it ended {endsOn}). Thanks for your interest!',
  'sweepstakes-join-hint': 'Want our deals too? Text {keyword} to {shortCode} to join {programName}.',
  'sweepstakes-won': "{brandName}: congratulations, you won {prize} in {sweepstakesName}! We'll contact you at this number to arrange it. Rules: {rulesUrl}",
  'sweepstakes-invite': 'Text {sweepstakesKeyword} to {shortCode} for a chance to win {prize}. No purchase necessary.',
};

/** What sweepstakes copy may name: the program's, and the sweepstakes' own. */
export const SWEEPSTAKES_PLACEHOLDERS = ['programName', 'brandName', 'keyword', 'shortCode', 'sweepstakesName', 'sweepstakesKeyword', 'prize', 'startsOn', 'endsOn', 'rulesUrl', 'entriesPerDay'] as const;

export const TEMPLATE_PLACEHOLDERS: Record<TemplateName, readonly string[]> = {
  welcome: ['programName', 'brandName', 'keyword', 'offer'],
  'welcome-back': ['programName', 'brandName', 'keyword'],
  'already-subscribed': ['programName', 'brandName', 'keyword'],
  'profile-thanks': ['programName', 'brandName'],
  'profile-retry': ['programName', 'brandName', 'prompt', 'example'],
  'profile-skipped': ['programName', 'brandName'],
  fallback: ['programName', 'brandName', 'keyword'],
  'fallback-stranger': ['programName', 'brandName', 'keyword'],
  coupon: ['programName', 'brandName', 'keyword', 'offer', 'code', 'validUntil'],
  'thank-you': ['programName', 'brandName', 'total'],
  receipt: ['programName', 'brandName', 'total'],
  survey: ['programName', 'brandName'],
  'review-request': ['programName', 'brandName', 'keyword', 'shortCode', 'referralCode', 'reviewUrl', 'shareUrl'],
  'feedback-request': ['programName', 'brandName'],
  'feedback-thanks': ['programName', 'brandName'],
  'share-text': ['programName', 'brandName', 'keyword', 'shortCode', 'referralCode'],
  'share-invite': ['programName', 'brandName', 'keyword', 'shortCode', 'referralCode', 'shareUrl'],
  'referral-reward': ['programName', 'brandName', 'keyword', 'offer', 'code', 'validUntil'],
  'sweepstakes-entered': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-already-entered': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-not-open': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-closed': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-join-hint': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-won': SWEEPSTAKES_PLACEHOLDERS,
  'sweepstakes-invite': SWEEPSTAKES_PLACEHOLDERS,
};

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

export function placeholdersIn(body: string): string[] {
  return [...body.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** Fills {placeholders}; an empty value leaves no double spaces behind. */
export function renderTemplate(body: string, values: Record<string, string | undefined>): string {
  return body
    .replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole)
    .replace(/\s{2,}/g, ' ')
    .trim();
}
