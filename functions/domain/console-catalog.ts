/**
 * The catalog as the console shows it to a marketer: every program with its keywords (and where each
 * is advertised), offers, questions, templates, campaigns and sweepstakes, each text rendered as a
 * phone would show it (sample values in its placeholders, its URLs as short links), with its
 * encoding, segments and price, and every problem of the stored items by key, field and reason.
 * Pure: the stored items in, the view out. Read-only: items are edited in DynamoDB and checked with
 * `npm run catalog`.
 */
import { campaignText } from './campaign-plan';
import { campaignMedia, campaignStage, type CampaignSegment } from './campaigns';
import { validateCatalog, welcomeOffer, type CatalogProblem, type Program } from './catalog';
import { costWarnings, SAMPLE, type CostWarning } from './catalog-costs';
import { optInConfirmation } from './compliance';
import { messagePrice } from './message-prices';
import { questionText } from './profile-questions';
import { measureSegments } from './segments';
import { SAMPLE_LINK_BASE, withSampleLinks } from './short-links';
import { sweepstakesStage, sweepstakesText, type Sweepstakes } from './sweepstakes';
import { DEFAULT_TEMPLATES, renderTemplate, templateImage, type TemplateName } from './templates';

export const CATALOG_READ_ONLY_NOTE =
  'Read-only here: the catalog is edited in its DynamoDB table (or a file imported with `npm run catalog -- import FILE`), and checked with `npm run catalog -- validate`.';

/** A text as it goes out: what the phone shows, how it is encoded, how many segments it bills, and its carrier-side price. */
export interface RenderedText {
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
  /** GSM-7 septets or UCS-2 code units. */
  units: number;
  segments: number;
  /** An MMS (an image rides along) is billed as one message whatever its length. */
  mms: boolean;
  mediaUrl?: string;
  /** Carrier-side price of one message at list prices (functions/domain/message-prices.ts), in USD. */
  price: number;
}

export interface KeywordView {
  word: string;
  kind: 'keyword' | 'alias';
  /** Where it is advertised (the program item's `placements`), when the marketer said. */
  placement: string | null;
  /** False when another program or sweepstakes on the short code claims it too: then nobody answers to it. */
  answers: boolean;
}

export interface ProgramView {
  key: string;
  programId: string;
  name: string;
  brandName: string;
  shortCode: string;
  keywords: KeywordView[];
  frequency: string;
  helpContact: string;
  timeZoneFallback: string;
  lunchTime: string;
  maxPerDay: number;
  maxPerWeek: number;
  allowedCountries: string[];
  offers: { key: string; offerId: string; kind: string; validDays: number; discountPercent?: number; days?: number[]; states?: string[]; zipPrefixes?: string[]; message: RenderedText }[];
  questions: { key: string; field: string; order: number; prompt: string; example: string; choices: string[]; reward?: string; message: RenderedText }[];
  templates: { key: string; name: TemplateName; custom: boolean; message: RenderedText }[];
  campaigns: {
    key: string;
    campaignId: string;
    name: string;
    status: 'draft' | 'scheduled';
    stage: 'draft' | 'scheduled' | 'finished';
    sendOn: string;
    localTime: string;
    segment: CampaignSegment;
    offerId?: string;
    variants: { id: string; weight: number; message: RenderedText }[];
  }[];
  sweepstakes: (Pick<Sweepstakes, 'sweepstakesId' | 'name' | 'keyword' | 'startsOn' | 'endsOn' | 'timeZone' | 'prize' | 'rulesUrl' | 'entriesPerDay'> & {
    key: string;
    stage: 'not-open' | 'open' | 'closed';
    messages: { entered: RenderedText; invite: RenderedText };
  })[];
}

export interface CatalogView {
  readOnly: string;
  programs: ProgramView[];
  /** Every broken item, by its key (`pk / sk`), the attribute and what is wrong: such items are left out of `programs`. */
  problems: CatalogProblem[];
  /** Copy that costs more than one segment as sent. */
  warnings: CostWarning[];
}

/** A sweepstakes' placeholders when a template is previewed outside one. */
const SAMPLE_SWEEPSTAKES: Omit<Sweepstakes, 'programId' | 'timeZone'> = {
  sweepstakesId: 'sample',
  name: 'Summer Grill Giveaway',
  keyword: 'WIN',
  startsOn: '2026-06-01',
  endsOn: '2026-08-31',
  prize: 'a year of burgers',
  rulesUrl: 'https://example.com/rules',
  entriesPerDay: 1,
  winners: 1,
};

/** Measures a text as sent: its URLs as short links on `linkBase`. */
export function renderedText(text: string, linkBase: string, mediaUrl?: string): RenderedText {
  const sent = withSampleLinks(text, linkBase);
  const { encoding, units, segments } = measureSegments(sent);
  const mms = mediaUrl !== undefined;
  return { text: sent, encoding, units, segments, mms, ...(mediaUrl ? { mediaUrl } : {}), price: messagePrice({ segments, mms }) };
}

function programView(program: Program, options: { linkBase: string; at: Date }): ProgramView {
  const pk = `PROGRAM#${program.programId}`;
  const values = { ...SAMPLE, programName: program.name, brandName: program.brandName, keyword: program.keyword, shortCode: program.shortCode };
  const render = (text: string, mediaUrl?: string) => renderedText(text, options.linkBase, mediaUrl);
  const welcome = welcomeOffer(program);
  const couponLike = program.offers.find((offer) => offer.kind !== 'welcome' && offer.kind !== 'referral-reward');
  const sampleSweepstakes: Sweepstakes = program.sweepstakes[0] ?? { ...SAMPLE_SWEEPSTAKES, programId: program.programId, timeZone: program.timeZoneFallback };

  const templateText = (name: TemplateName): string => {
    if (name === 'welcome') return optInConfirmation(renderTemplate(program.templates.welcome, { ...values, offer: welcome?.copy ?? '' }), program);
    if (name.startsWith('sweepstakes-')) return sweepstakesText(program, sampleSweepstakes, name);
    const offer = name === 'referral-reward' ? program.offers.find((o) => o.kind === 'referral-reward') : couponLike;
    return renderTemplate(program.templates[name], { ...values, offer: offer?.copy ?? '' });
  };

  return {
    key: `${pk} / PROGRAM`,
    programId: program.programId,
    name: program.name,
    brandName: program.brandName,
    shortCode: program.shortCode,
    keywords: [program.keyword, ...program.aliases].map((word, index) => ({
      word,
      kind: index === 0 ? 'keyword' : 'alias',
      placement: program.placements[word] ?? null,
      answers: program.answersTo.includes(word),
    })),
    frequency: program.frequency,
    helpContact: program.helpContact,
    timeZoneFallback: program.timeZoneFallback,
    lunchTime: program.lunchTime,
    maxPerDay: program.maxPerDay,
    maxPerWeek: program.maxPerWeek,
    allowedCountries: program.allowedCountries,
    offers: program.offers.map((offer) => {
      const template = offer.kind === 'referral-reward' ? 'referral-reward' : 'coupon';
      // A welcome offer goes out inside the opt-in confirmation; every other offer as its coupon's text.
      const text = offer.kind === 'welcome' ? templateText('welcome') : renderTemplate(program.templates[template], { ...values, offer: offer.copy });
      const image = offer.kind === 'welcome' ? templateImage(program.templateMedia, 'welcome') : (offer.mediaUrl ?? templateImage(program.templateMedia, template));
      return {
        key: `${pk} / OFFER#${offer.offerId}`,
        offerId: offer.offerId,
        kind: offer.kind,
        validDays: offer.validDays,
        ...(offer.discountPercent !== undefined ? { discountPercent: offer.discountPercent } : {}),
        ...(offer.days ? { days: offer.days } : {}),
        ...(offer.states ? { states: offer.states } : {}),
        ...(offer.zipPrefixes ? { zipPrefixes: offer.zipPrefixes } : {}),
        message: render(text, image),
      };
    }),
    questions: program.questions.map((question) => ({
      key: `${pk} / QUESTION#${question.field}`,
      field: question.field,
      order: question.order,
      prompt: question.prompt,
      example: question.example,
      choices: question.choices,
      ...(question.reward ? { reward: question.reward } : {}),
      message: render(questionText(question)),
    })),
    templates: (Object.keys(program.templates) as TemplateName[]).map((name) => ({
      key: `${pk} / TEMPLATE#${name}`,
      name,
      custom: program.templates[name] !== DEFAULT_TEMPLATES[name] || templateImage(program.templateMedia, name) !== undefined,
      message: render(templateText(name), templateImage(program.templateMedia, name)),
    })),
    campaigns: program.campaigns.map((campaign) => {
      const offer = program.offers.find((candidate) => candidate.offerId === campaign.offerId);
      return {
        key: `${pk} / CAMPAIGN#${campaign.campaignId}`,
        campaignId: campaign.campaignId,
        name: campaign.name,
        status: campaign.status,
        stage: campaignStage(campaign, options.at),
        sendOn: campaign.sendOn,
        localTime: campaign.localTime,
        segment: campaign.segment,
        ...(campaign.offerId ? { offerId: campaign.offerId } : {}),
        variants: campaign.variants.map((variant) => ({
          id: variant.id,
          weight: variant.weight,
          message: render(campaignText(variant, program, offer ? { code: SAMPLE.code!, validUntil: SAMPLE.validUntil!, offer: offer.copy } : undefined), campaignMedia(variant, offer)),
        })),
      };
    }),
    sweepstakes: program.sweepstakes.map((sweepstakes) => ({
      key: `${pk} / SWEEPSTAKES#${sweepstakes.sweepstakesId}`,
      sweepstakesId: sweepstakes.sweepstakesId,
      name: sweepstakes.name,
      keyword: sweepstakes.keyword,
      stage: sweepstakesStage(sweepstakes, options.at),
      startsOn: sweepstakes.startsOn,
      endsOn: sweepstakes.endsOn,
      timeZone: sweepstakes.timeZone,
      prize: sweepstakes.prize,
      rulesUrl: sweepstakes.rulesUrl,
      entriesPerDay: sweepstakes.entriesPerDay,
      messages: {
        entered: render(sweepstakesText(program, sweepstakes, 'sweepstakes-entered')),
        invite: render(sweepstakesText(program, sweepstakes, 'sweepstakes-invite')),
      },
    })),
  };
}

/** The console's catalog from the stored items (valid or not); `linkBase`: the stage's (default a typical custom domain's). */
export function catalogView(items: readonly Record<string, unknown>[], options: { at: Date; linkBase?: string }): CatalogView {
  const linkBase = options.linkBase ?? SAMPLE_LINK_BASE;
  const { catalog, problems } = validateCatalog(items);
  const programs = [...catalog.programs].sort((a, b) => a.programId.localeCompare(b.programId));
  return {
    readOnly: CATALOG_READ_ONLY_NOTE,
    programs: programs.map((program) => programView(program, { linkBase, at: options.at })),
    problems,
    warnings: programs.flatMap((program) => costWarnings(program, { linkBase })),
  };
}
