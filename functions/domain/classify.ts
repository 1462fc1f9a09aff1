import {
  CONDITIONAL_OPT_IN_WORDS,
  HELP_WORDS,
  OPT_IN_WORDS,
  OPT_OUT_PHRASES,
  OPT_OUT_WORDS,
} from './compliance';

export interface KeywordOwner {
  programId: string;
  /** Keyword and aliases, upper case. */
  answersTo: readonly string[];
}

export type Intent =
  | { kind: 'opt-out-all' }
  | { kind: 'opt-out-program'; programId: string }
  | { kind: 'help' }
  | { kind: 'opt-in' }
  | { kind: 'keyword'; programId: string; extra?: string }
  | { kind: 'other'; text: string };

const optOutWords = new Set<string>(OPT_OUT_WORDS);
const helpWords = new Set<string>(HELP_WORDS);
const optInWords = new Set<string>(OPT_IN_WORDS);
const conditionalOptInWords = new Set<string>(CONDITIONAL_OPT_IN_WORDS);

/** Straighten phone keyboards' curly apostrophes, trim, fold spaces, drop leading/trailing punctuation and emoji, upper-case. */
export function normalizeText(raw: string): string {
  return raw
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .toUpperCase();
}

function keywordOwner(word: string, programs: readonly KeywordOwner[]): KeywordOwner | undefined {
  return programs.find((program) => program.answersTo.includes(word));
}

/**
 * Classification order matters: opting out beats everything, then HELP, then opting back in, then
 * program keywords. Whatever is left is an answer or chatter, decided by the conversation's state.
 */
export function classify(
  raw: string,
  programs: readonly KeywordOwner[],
  context: { hasOptOut: boolean },
): Intent {
  const text = normalizeText(raw);
  const [first = '', ...rest] = text.split(' ');

  if (first === 'STOP' && rest.length > 0) {
    const owner = keywordOwner(rest.join(''), programs);
    if (owner) return { kind: 'opt-out-program', programId: owner.programId };
  }
  if (optOutWords.has(text) || OPT_OUT_PHRASES.some((phrase) => phrase.test(text.toLowerCase()))) {
    return { kind: 'opt-out-all' };
  }
  if (helpWords.has(first)) return { kind: 'help' };
  if (optInWords.has(text) || (context.hasOptOut && conditionalOptInWords.has(text))) {
    return { kind: 'opt-in' };
  }

  const byFirstWord = keywordOwner(first, programs);
  if (byFirstWord) {
    const extra = rest.join(' ');
    return { kind: 'keyword', programId: byFirstWord.programId, ...(extra ? { extra } : {}) };
  }
  const byWholeText = keywordOwner(text.replace(/ /g, ''), programs);
  if (byWholeText) return { kind: 'keyword', programId: byWholeText.programId };

  return { kind: 'other', text: raw.trim() };
}
