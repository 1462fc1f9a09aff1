/**
 * Carrier and FCC rules as data: keyword sets and the wording of the messages every program must
 * send. Everything compliance-related that a test or an auditor asks about lives here.
 */

/** Whole-message opt-out words (CTIA/carrier list). "STOP <keyword>" is handled separately. */
export const OPT_OUT_WORDS = [
  'STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE',
  'OPTOUT', 'OPT-OUT', 'OPT OUT', 'ARRET', 'REMOVE',
] as const;

/**
 * The FCC's 2024 revocation order: any reasonable way of saying stop revokes consent. These
 * patterns run on the normalised, lower-cased text; each one reads as a request to stop texting.
 */
export const OPT_OUT_PHRASES: readonly RegExp[] = [
  /^(stop|stopall|unsubscribe|cancel|quit|end|revoke|remove|arret|opt[ -]?out)\b/,
  /\b(stop|quit|cease|quit)\s+(texting|messaging|sending|contacting|txting|spamming|it)\b/,
  /\bunsubscribe\b/,
  /\bremove\s+(me|my\s+number)\b/,
  /\btake\s+me\s+off\b/,
  /\bopt\s+me\s+out\b/,
  /\bwrong\s+(number|person|#)\b/,
  /\b(don'?t|do\s+not|dont|never)\s+(text|message|msg|contact|send|txt)\b/,
  /\bno\s+more\s+(texts|text|messages|msgs|sms)\b/,
  /\bleave\s+me\s+alone\b/,
  /\bnot\s+interested\b/,
];

export const HELP_WORDS = ['HELP', 'INFO', 'AIDE'] as const;

/** START and UNSTOP always opt back in; YES only when an opt-out exists to undo. */
export const OPT_IN_WORDS = ['START', 'UNSTOP'] as const;
export const CONDITIONAL_OPT_IN_WORDS = ['YES'] as const;

/** Words no program may claim as its keyword or alias. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  [...OPT_OUT_WORDS, ...HELP_WORDS, ...OPT_IN_WORDS, ...CONDITIONAL_OPT_IN_WORDS, 'SKIP'].map((word) =>
    word.replace(/[\s-]/g, ''),
  ),
);

export const KEYWORD_PATTERN = /^[A-Z0-9]{1,30}$/;

export const RATES_DISCLOSURE = 'Msg&data rates may apply.';

export interface DisclosureFacts {
  name: string;
  frequency: string;
  helpContact: string;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Opt-in confirmation: the marketer's intro, then the disclosures carriers require. */
export function optInConfirmation(intro: string, facts: DisclosureFacts): string {
  const named = intro.includes(facts.name) ? intro : `${facts.name}: ${intro}`;
  return `${sentence(named)} ${sentence(facts.frequency)} ${RATES_DISCLOSURE} Reply HELP for help, STOP to cancel.`;
}

export function helpReply(facts: DisclosureFacts): string {
  return `${facts.name}: Help at ${facts.helpContact}. ${sentence(facts.frequency)} ${RATES_DISCLOSURE} Reply STOP to cancel.`;
}

export function optOutConfirmation(programNames: readonly string[]): string {
  return `You are unsubscribed from ${joinNames(programNames)} and will receive no more messages. Reply START to resubscribe.`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'this program';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What a confirmation must carry; returns the missing parts (empty when compliant). */
export function missingOptInDisclosures(text: string, facts: DisclosureFacts): string[] {
  const checks: [string, boolean][] = [
    ['program name', text.includes(facts.name)],
    ['message frequency', text.includes(facts.frequency.trim().replace(/[.]$/, ''))],
    ['rates disclosure', text.includes(RATES_DISCLOSURE)],
    ['HELP instructions', /\bHELP\b/.test(text)],
    ['STOP instructions', /\bSTOP\b/.test(text)],
  ];
  return checks.filter(([, present]) => !present).map(([name]) => name);
}
