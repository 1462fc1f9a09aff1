import {
  CONDITIONAL_OPT_IN_WORDS,
  HELP_WORDS,
  NOT_OPT_OUT_SPANS,
  OPT_IN_WORDS,
  OPT_OUT_FILLERS,
  OPT_OUT_LEAD_WORDS,
  OPT_OUT_PHRASES,
  OPT_OUT_WORDS,
  SHARE_WORDS,
  STOP_HINT,
} from './compliance';

export interface KeywordOwner {
  programId: string;
  /** Keyword and aliases, upper case. */
  answersTo: readonly string[];
}

/** A sweepstakes' keyword (upper case) on the short code: texting it enters. */
export interface SweepstakesWord {
  programId: string;
  sweepstakesId: string;
  keyword: string;
}

export type Intent =
  | { kind: 'opt-out-all' }
  | { kind: 'opt-out-program'; programId: string }
  | { kind: 'help' }
  | { kind: 'opt-in' }
  /** matched: the program's keyword or alias the text used (upper case), which tells its placement. */
  | { kind: 'keyword'; programId: string; matched: string; extra?: string }
  /** SHARE, INVITE or REFER: a subscriber asks for their invitation to pass on. */
  | { kind: 'share' }
  | { kind: 'sweepstakes'; programId: string; sweepstakesId: string }
  /** mentionsStop: the text talks about stopping without clearly opting out ("stop by later?"). */
  | { kind: 'other'; text: string; mentionsStop?: true };

// Everything below is compiled once, at module load: classify() runs on every inbound text.

/** Lower case without accents, hyphens read as spaces: how the lists are written and texts are read. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/-/g, ' ');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const longestFirst = (words: Iterable<string>) => [...new Set(words)].sort((a, b) => b.length - a.length || a.localeCompare(b));

const optOutWords = OPT_OUT_WORDS.map(fold);
/** Multi-word opt-out words ("opt out", "no mas", "ya no") read as one word before fillers are dropped. */
const MULTI_WORD = new RegExp(`\\b(?:${longestFirst(optOutWords.filter((w) => w.includes(' '))).map(escape).join('|')})\\b`, 'g');
const compact = (clause: string) => clause.replace(MULTI_WORD, (words) => words.replace(/ /g, ''));

const leadWords = new Set<string>(OPT_OUT_LEAD_WORDS.map(fold));
const coreWords = new Set<string>([...optOutWords.map((w) => w.replace(/ /g, '')), ...leadWords]);
const fillerAlternatives = longestFirst(OPT_OUT_FILLERS.map(fold)).map(escape).join('|');
const FILLERS_ANYWHERE = new RegExp(` (?:${fillerAlternatives})(?= )`, 'g');
const LEADING_FILLERS = new RegExp(`^(?:(?:${fillerAlternatives}) )+`);

const helpWords = new Set<string>(HELP_WORDS.map(fold));
const optInWords = new Set<string>(OPT_IN_WORDS);
const conditionalOptInWords = new Set<string>(CONDITIONAL_OPT_IN_WORDS);
const shareWords = new Set<string>(SHARE_WORDS);

/**
 * Stretched words ("stoooop", "pleeease", "nooo mas"): a letter typed three times or more stands for
 * the same letter once or twice, whichever makes a word the lists know. A doubled letter only makes an
 * opt-out word ("stopp", "cancell"), never a real word that happens to squeeze to one ("stoop").
 */
const vocabulary = new Set<string>([
  ...[...optOutWords, ...leadWords, ...OPT_OUT_FILLERS, ...HELP_WORDS, ...OPT_IN_WORDS, ...CONDITIONAL_OPT_IN_WORDS]
    .flatMap((words) => fold(words).split(' ')),
  ...[...OPT_OUT_PHRASES, ...NOT_OPT_OUT_SPANS, STOP_HINT].flatMap((pattern) =>
    pattern.source.replace(/\\[a-zA-Z]/g, ' ').match(/[a-z]{2,}/g) ?? [],
  ),
]);
const REAL_WORDS_NOT_STRETCHED = new Set(['stoop', 'parra']);

function runs(word: string): [string, number][] {
  const result: [string, number][] = [];
  for (const char of word) {
    const last = result[result.length - 1];
    if (last && last[0] === char) last[1] += 1;
    else result.push([char, 1]);
  }
  return result;
}
const squeeze = (word: string) => runs(word).map(([char]) => char).join('');

const bySqueezed = new Map<string, string[]>();
for (const word of vocabulary) bySqueezed.set(squeeze(word), [...(bySqueezed.get(squeeze(word)) ?? []), word]);

function unstretch(token: string): string {
  if (vocabulary.has(token) || REAL_WORDS_NOT_STRETCHED.has(token)) return token;
  const tokenRuns = runs(token);
  const longestRun = Math.max(...tokenRuns.map(([, length]) => length));
  if (longestRun < 2) return token;
  const matches = (bySqueezed.get(squeeze(token)) ?? []).filter(
    (word) => (longestRun >= 3 || coreWords.has(word)) && runs(word).every(([, length], i) => tokenRuns[i]![1] >= length),
  );
  return matches.sort((a, b) => b.length - a.length)[0] ?? token;
}

const STOP_SIGN_ALONE = /^[\s\p{P}]*(?:\u{1F6D1}[\s\p{P}\uFE0F]*)+$/u;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u00B4`]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const INNER_APOSTROPHE = /(?<=\p{L})'(?=\p{L})/gu;
/** "S T O P", "s.t.o.p", "S-T-O-P": three or more single letters in a row are one word. */
const SPACED_LETTERS = /(?<![\p{L}\p{N}])\p{L}(?:[\s.\-_*\u00B7\u2022]+\p{L}(?![\p{L}\p{N}])){2,}/gu;
const NOT_LETTERS = /[^\p{L}]/gu;
const CLAUSE_BREAKS = /[.!?;,:\n\r\u2026\u00A1\u00BF()[\]{}"|/]+/u;
const NOT_WORD = /[^\p{L}\p{N}~]+/gu;

/**
 * The text as the opt-out rules read it: clauses of lower-case, accent-free words separated by single
 * spaces, stretched letters undone. See the opt-out lists in compliance.ts for each step's why.
 */
export function optOutClauses(raw: string): string[] {
  const text = STOP_SIGN_ALONE.test(raw) ? 'stop' : raw;
  const folded = fold(
    text
      .normalize('NFKC')
      .replace(FORMAT_CHARACTERS, '')
      .replace(SINGLE_QUOTES, "'")
      .replace(DOUBLE_QUOTES, '"'),
  )
    .replace(INNER_APOSTROPHE, '')
    .replace(/#/g, ' number ')
    .replace(/&/g, ' and ')
    .replace(SPACED_LETTERS, (letters) => letters.replace(NOT_LETTERS, ''));
  return folded
    .split(CLAUSE_BREAKS)
    .map((clause) => clause.replace(NOT_WORD, ' ').trim().split(' ').filter(Boolean).map(unstretch).join(' '))
    .filter(Boolean);
}

function withoutFillers(clause: string): string {
  return ` ${clause} `.replace(FILLERS_ANYWHERE, '').trim();
}

function isOptOutClause(clause: string): boolean {
  let text = clause;
  for (const span of NOT_OPT_OUT_SPANS) text = text.replace(span, ' ~ ');
  text = text.replace(/ +/g, ' ').trim();
  if (OPT_OUT_PHRASES.some((phrase) => phrase.test(text))) return true;
  const words = compact(text);
  const core = withoutFillers(words);
  if (core && core.split(' ').every((word) => coreWords.has(word))) return true;
  const [lead = ''] = `${words} `.replace(LEADING_FILLERS, '').split(' ');
  return leadWords.has(lead);
}

function keywordOwner(word: string, programs: readonly KeywordOwner[]): KeywordOwner | undefined {
  return programs.find((program) => program.answersTo.includes(word));
}

/** "STOP KRUSTY", "please stop krusty burger", "STOPKRUSTY", "Krusty stop": one program on a shared code. */
function programToLeave(clauses: string[], programs: readonly KeywordOwner[]): KeywordOwner | undefined {
  const words = `${clauses.join(' ')} `.replace(LEADING_FILLERS, '').trim().split(' ');
  const [first = '', ...rest] = words;
  if (first === 'stop' && rest.length > 0) return keywordOwner(rest.join('').toUpperCase(), programs);
  if (first.startsWith('stop') && rest.length === 0) return keywordOwner(first.slice(4).toUpperCase(), programs);
  for (let i = 1; i < words.length; i += 1) {
    const owner = keywordOwner(words.slice(0, i).join('').toUpperCase(), programs);
    const after = withoutFillers(compact(words.slice(i).join(' ')));
    if (owner && after && after.split(' ').every((word) => coreWords.has(word))) return owner;
  }
  return undefined;
}

/** Straighten phone keyboards' curly apostrophes, trim, fold spaces, drop leading/trailing punctuation and emoji, upper-case. */
export function normalizeText(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .toUpperCase();
}

/**
 * Classification order matters: opting out beats everything, then HELP, then opting back in, then
 * program keywords. Whatever is left is an answer or chatter, decided by the conversation's state.
 */
export function classify(
  raw: string,
  programs: readonly KeywordOwner[],
  context: { hasOptOut: boolean },
  sweepstakes: readonly SweepstakesWord[] = [],
): Intent {
  const clauses = optOutClauses(raw);
  const leaving = programToLeave(clauses, programs);
  if (leaving) return { kind: 'opt-out-program', programId: leaving.programId };
  if (clauses.some(isOptOutClause)) return { kind: 'opt-out-all' };
  const [firstWord = ''] = (clauses[0] ?? '').split(' ');
  if (helpWords.has(firstWord)) return { kind: 'help' };

  const text = normalizeText(raw);
  const [first = '', ...rest] = text.split(' ');
  if (optInWords.has(text) || (context.hasOptOut && conditionalOptInWords.has(text))) {
    return { kind: 'opt-in' };
  }
  // Reserved words (the catalog refuses them as keywords), so no program's keyword can hide them.
  if (shareWords.has(text)) return { kind: 'share' };

  const byFirstWord = keywordOwner(first, programs);
  if (byFirstWord) {
    const extra = rest.join(' ');
    return { kind: 'keyword', programId: byFirstWord.programId, matched: first, ...(extra ? { extra } : {}) };
  }
  const whole = text.replace(/ /g, '');
  const byWholeText = keywordOwner(whole, programs);
  if (byWholeText) return { kind: 'keyword', programId: byWholeText.programId, matched: whole };
  // A sweepstakes keyword is read like a program's: first word, or the whole text without spaces
  // ("WIN", "win!", "Win 🎉", "W I N"). The catalog makes sure no word is both.
  const entered = sweepstakes.find((word) => word.keyword === first) ?? sweepstakes.find((word) => word.keyword === text.replace(/ /g, ''));
  if (entered) return { kind: 'sweepstakes', programId: entered.programId, sweepstakesId: entered.sweepstakesId };

  const mentionsStop = STOP_HINT.test(clauses.join(' '));
  return { kind: 'other', text: raw.trim(), ...(mentionsStop ? { mentionsStop: true as const } : {}) };
}
