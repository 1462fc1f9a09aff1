import type { z } from 'zod/mini';
import {
  campaignItem,
  offerItem,
  programItem,
  questionItem,
  sweepstakesItem,
  templateItem,
  type CampaignItem,
  type OfferItem,
  type ProgramItem,
} from '../schemas/catalog-items';
import type { Campaign } from './campaigns';
import type { ProfileField } from './profile-answers';
import { ENTRY_CONFIRMATION_MUST_HAVE, type Sweepstakes } from './sweepstakes';
import { DEFAULT_TEMPLATES, MEDIA_TEMPLATES, placeholdersIn, TEMPLATE_PLACEHOLDERS, type MediaTemplate, type TemplateName } from './templates';

export type Offer = Omit<OfferItem, 'pk' | 'sk'> & { offerId: string };

export interface ProfileQuestion {
  field: ProfileField;
  order: number;
  prompt: string;
  example: string;
  choices: string[];
  /** The offer (its offerId) answering this question earns, once per subscriber. */
  reward?: string;
}

export interface Program extends Omit<ProgramItem, 'pk' | 'sk' | 'brandName'> {
  programId: string;
  brandName: string;
  /** The keyword and aliases this program answers to: all of them unless another program claims one. */
  answersTo: string[];
  offers: Offer[];
  /** In the order they are asked. */
  questions: ProfileQuestion[];
  templates: Record<TemplateName, string>;
  /** The image each template's text carries, for the templates that may have one (an MMS). */
  templateMedia: Partial<Record<MediaTemplate, string>>;
  /** The marketer's own sends, by their date (see campaigns.ts). */
  campaigns: Campaign[];
  /** Text-to-win sweepstakes, each answering to its own keyword (see sweepstakes.ts). */
  sweepstakes: Sweepstakes[];
}

export interface Catalog {
  programs: Program[];
}

/** One broken catalog item: which item, which attribute, what is wrong. */
export interface CatalogProblem {
  key: string;
  field: string;
  reason: string;
}

export interface CatalogValidation {
  catalog: Catalog;
  problems: CatalogProblem[];
}

type RawItem = Record<string, unknown>;

export function itemKey(item: RawItem): string {
  return `${String(item.pk ?? '(no pk)')} / ${String(item.sk ?? '(no sk)')}`;
}

function parseItem<T extends z.ZodMiniType>(
  schema: T,
  item: RawItem,
  problems: CatalogProblem[],
): z.infer<T> | undefined {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({ key: itemKey(item), field: issue.path.join('.') || '(item)', reason: issue.message });
  }
  return undefined;
}

function kindOf(sk: unknown): string {
  return typeof sk === 'string' ? (sk.split('#')[0] ?? '') : '';
}

/**
 * Validates every item and builds the catalog from the valid ones. A broken item is reported and
 * left out; a program whose own item is broken takes its offers, questions and templates with it.
 */
export function validateCatalog(items: readonly RawItem[]): CatalogValidation {
  const problems: CatalogProblem[] = [];
  const sorted = [...items].sort((a, b) => itemKey(a).localeCompare(itemKey(b)));
  const programs = new Map<string, Program>();
  const childItems: RawItem[] = [];

  for (const item of sorted) {
    if (kindOf(item.sk) === 'PROGRAM') {
      const parsed = parseItem(programItem, item, problems);
      if (parsed) addProgram(parsed, programs);
    } else if (['OFFER', 'QUESTION', 'TEMPLATE', 'CAMPAIGN', 'SWEEPSTAKES'].includes(kindOf(item.sk))) {
      childItems.push(item);
    } else {
      problems.push({ key: itemKey(item), field: 'sk', reason: 'must start with PROGRAM, OFFER#, QUESTION#, TEMPLATE#, CAMPAIGN# or SWEEPSTAKES#' });
    }
  }

  // Campaigns last: they name offers, which must be known by then.
  childItems.sort((a, b) => Number(kindOf(a.sk) === 'CAMPAIGN') - Number(kindOf(b.sk) === 'CAMPAIGN'));
  for (const item of childItems) {
    const program = programs.get(String(item.pk));
    if (!program) {
      problems.push({ key: itemKey(item), field: 'pk', reason: `no valid program item ${String(item.pk)} / PROGRAM` });
      continue;
    }
    addChild(item, program, problems);
  }
  // After the children: a sweepstakes' keyword claims its word on the short code like a program's.
  withdrawContestedWords(programs, problems);
  for (const program of programs.values()) program.questions.sort((a, b) => a.order - b.order);
  return { catalog: { programs: [...programs.values()] }, problems };
}

function addProgram(item: ProgramItem, programs: Map<string, Program>): void {
  const { pk, sk: _sk, brandName, ...rest } = item;
  programs.set(pk, {
    ...rest,
    programId: pk.slice('PROGRAM#'.length),
    brandName: brandName ?? item.name,
    answersTo: [...new Set([item.keyword, ...item.aliases])],
    offers: [],
    questions: [],
    templates: { ...DEFAULT_TEMPLATES },
    templateMedia: {},
    campaigns: [],
    sweepstakes: [],
  });
}

/** Who claims a word on a short code: a program (its keyword or an alias) or one of its sweepstakes. */
type Claimant = { program: Program; sweepstakes?: Sweepstakes };

const claimantName = ({ program, sweepstakes }: Claimant) => (sweepstakes ? `sweepstakes ${sweepstakes.sweepstakesId} of ${program.programId}` : program.programId);

/**
 * A word claimed twice on one short code (two programs, a program and a sweepstakes, two sweepstakes)
 * is ambiguous: answering it for either could opt a consumer into a program they did not ask for, or
 * enter them into a sweepstakes when they meant to join, so none answers to it until a marketer fixes
 * one. The programs stay loaded, so their subscribers' HELP and STOP keep working; a sweepstakes
 * without its keyword cannot be entered, so it is left out (and never invited to).
 */
function withdrawContestedWords(programs: Map<string, Program>, problems: CatalogProblem[]): void {
  const claims = new Map<string, Claimant[]>();
  const claim = (word: string, claimant: Claimant) => {
    const key = `${claimant.program.shortCode} ${word}`;
    claims.set(key, [...(claims.get(key) ?? []), claimant]);
  };
  for (const program of programs.values()) {
    for (const word of program.answersTo) claim(word, { program });
    for (const sweepstakes of program.sweepstakes) claim(sweepstakes.keyword, { program, sweepstakes });
  }
  for (const [key, claimants] of claims) {
    if (claimants.length < 2) continue;
    const word = key.split(' ')[1]!;
    const onlyPrograms = claimants.every((claimant) => !claimant.sweepstakes);
    for (const claimant of claimants) {
      const { program, sweepstakes } = claimant;
      const others = claimants.filter((other) => other !== claimant).map(claimantName).join(', ');
      const shortCode = program.shortCode;
      if (sweepstakes) {
        problems.push({
          key: `PROGRAM#${program.programId} / SWEEPSTAKES#${sweepstakes.sweepstakesId}`,
          field: 'keyword',
          reason: `${word} is also claimed by ${others} on ${shortCode}; none of them answers to it until one is changed`,
        });
        program.sweepstakes = program.sweepstakes.filter((candidate) => candidate !== sweepstakes);
        continue;
      }
      problems.push({
        key: `PROGRAM#${program.programId} / PROGRAM`,
        field: program.keyword === word ? 'keyword' : 'aliases',
        reason: `${word} is also claimed by ${others} on ${shortCode}; ${onlyPrograms ? 'neither program answers' : 'none of them answers'} to it until one is changed`,
      });
      program.answersTo = program.answersTo.filter((candidate) => candidate !== word);
    }
  }
}

function addChild(item: RawItem, program: Program, problems: CatalogProblem[]): void {
  switch (kindOf(item.sk)) {
    case 'OFFER': {
      const offer = parseItem(offerItem, item, problems);
      if (offer) program.offers.push({ ...withoutKeys(offer), offerId: offer.sk.slice('OFFER#'.length) });
      return;
    }
    case 'QUESTION': {
      const question = parseItem(questionItem, item, problems);
      if (!question) return;
      const field = question.sk.slice('QUESTION#'.length) as ProfileField;
      if (field === 'meal' && !question.choices?.length) {
        problems.push({ key: itemKey(item), field: 'choices', reason: 'the meal question needs at least one choice' });
        return;
      }
      // A promised reward must exist: a question whose copy promises a coupon nobody can get is not asked.
      // (A program's offers are known by now: OFFER# items sort before QUESTION# ones.)
      const reward = question.reward?.slice('OFFER#'.length);
      if (reward && !program.offers.some((offer) => offer.offerId === reward)) {
        problems.push({ key: itemKey(item), field: 'reward', reason: `no valid offer ${question.reward} in ${question.pk}` });
        return;
      }
      const { reward: _reward, ...rest } = withoutKeys(question);
      program.questions.push({ ...rest, field, choices: question.choices ?? [], ...(reward ? { reward } : {}) });
      return;
    }
    case 'CAMPAIGN': {
      const campaign = parseItem(campaignItem, item, problems);
      if (campaign) addCampaign(campaign, item, program, problems);
      return;
    }
    case 'SWEEPSTAKES': {
      const sweepstakes = parseItem(sweepstakesItem, item, problems);
      if (!sweepstakes) return;
      const { pk: _pk, sk, timeZone, ...rest } = sweepstakes;
      program.sweepstakes.push({ ...rest, sweepstakesId: sk.slice('SWEEPSTAKES#'.length), programId: program.programId, timeZone: timeZone ?? program.timeZoneFallback });
      return;
    }
    default: {
      const template = parseItem(templateItem, item, problems);
      if (!template) return;
      const name = template.sk.slice('TEMPLATE#'.length) as TemplateName;
      const unknown = placeholdersIn(template.body).filter((p) => !TEMPLATE_PLACEHOLDERS[name].includes(p));
      if (unknown.length > 0) {
        problems.push({
          key: itemKey(item),
          field: 'body',
          reason: `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; allowed: ${TEMPLATE_PLACEHOLDERS[name].map((p) => `{${p}}`).join(', ')}`,
        });
        return;
      }
      if (name === 'sweepstakes-entered') {
        const missing = ENTRY_CONFIRMATION_MUST_HAVE.filter((part) => !part.holds(template.body)).map((part) => part.what);
        if (missing.length > 0) {
          problems.push({ key: itemKey(item), field: 'body', reason: `an entry confirmation must say ${missing.join(', ')} (a legal sweepstakes states them)` });
          return;
        }
      }
      if (template.mediaUrl && !(MEDIA_TEMPLATES as readonly string[]).includes(name)) {
        problems.push({ key: itemKey(item), field: 'mediaUrl', reason: `only the ${MEDIA_TEMPLATES.join(', ')} texts may carry an image` });
        return;
      }
      program.templates[name] = template.body;
      if (template.mediaUrl) program.templateMedia[name as MediaTemplate] = template.mediaUrl;
    }
  }
}

/** What a campaign's copy may name: the program's, and its coupon's when it has an offer. */
const CAMPAIGN_PLACEHOLDERS = ['programName', 'brandName', 'keyword'] as const;
const COUPON_PLACEHOLDERS = ['code', 'validUntil', 'offer'] as const;

function addCampaign(campaign: CampaignItem, item: RawItem, program: Program, problems: CatalogProblem[]): void {
  const offerId = campaign.offer?.slice('OFFER#'.length);
  if (offerId && !program.offers.some((offer) => offer.offerId === offerId)) {
    problems.push({ key: itemKey(item), field: 'offer', reason: `no valid offer ${campaign.offer} in ${campaign.pk}` });
    return;
  }
  const allowed: readonly string[] = offerId ? [...CAMPAIGN_PLACEHOLDERS, ...COUPON_PLACEHOLDERS] : CAMPAIGN_PLACEHOLDERS;
  for (const [index, variant] of campaign.variants.entries()) {
    const unknown = placeholdersIn(variant.copy).filter((p) => !allowed.includes(p));
    if (unknown.length === 0) continue;
    const needsOffer = unknown.filter((p) => (COUPON_PLACEHOLDERS as readonly string[]).includes(p));
    problems.push({
      key: itemKey(item),
      field: `variants.${index}.copy`,
      reason: needsOffer.length === unknown.length ? `${unknown.map((p) => `{${p}}`).join(', ')} need an offer (set offer)` : `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; allowed: ${allowed.map((p) => `{${p}}`).join(', ')}`,
    });
    return;
  }
  const { pk: _pk, sk, offer: _offer, ...rest } = campaign;
  program.campaigns.push({ ...rest, campaignId: sk.slice('CAMPAIGN#'.length), programId: program.programId, ...(offerId ? { offerId } : {}) });
}

function withoutKeys<T extends { pk: string; sk: string }>(item: T): Omit<T, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

export function programsOnShortCode(catalog: Catalog, shortCode: string): Program[] {
  return catalog.programs.filter((program) => program.shortCode === shortCode);
}

export function welcomeOffer(program: Program): Offer | undefined {
  return program.offers.find((offer) => offer.kind === 'welcome');
}

/** The offer a profile question's answer earns, when it promises one. */
export function rewardOffer(program: Program, question: Pick<ProfileQuestion, 'reward'>): Offer | undefined {
  return question.reward === undefined ? undefined : program.offers.find((offer) => offer.offerId === question.reward);
}
