import { campaignMedia } from './campaigns';
import type { Program } from './catalog';
import { optInConfirmation } from './compliance';
import { questionText } from './profile-questions';
import { measureSegments } from './segments';
import { SAMPLE_LINK_BASE, withSampleLinks } from './short-links';
import { renderTemplate, templateImage, type TemplateName } from './templates';

/** What a warning about cost says: which item, which attribute, and the measure. */
export interface CostWarning {
  key: string;
  field: string;
  reason: string;
}

/** Typical values, so a template is measured (and previewed in the console) as it will be sent. */
export const SAMPLE: Record<string, string> = {
  code: 'KB-7K2Q9X',
  validUntil: 'Nov 25',
  total: '$12.50',
  prompt: 'What is your 5-digit ZIP code? Reply SKIP to skip.',
  example: '62701',
  referralCode: '7K2Q9X',
  // Every link is shortened at sending, so the review and share links are measured as short links.
  reviewUrl: 'https://sms.example.com/l/ABCDEF',
  shareUrl: 'https://sms.example.com/l/GHJKLM',
};

/** Measured as sent: every URL as the short link it becomes (`{linkBase}/{id}`). */
function measureAsSent(key: string, field: string, text: string, linkBase: string): CostWarning | undefined {
  const { encoding, units, segments } = measureSegments(withSampleLinks(text, linkBase));
  if (segments <= 1) return undefined;
  const why = encoding === 'UCS-2' ? 'UCS-2 (a character outside GSM-7, such as an emoji or a curly quote)' : 'GSM-7';
  return { key, field, reason: `renders to ${segments} segments (${units} ${why} units): each send costs ${segments}× a one-segment text` };
}

/**
 * Every template and offer, rendered with typical values and measured: a marketer learns that copy
 * costs two segments (or switched to UCS-2) before a campaign sends it a million times. URLs are
 * measured as the short links they go out as, on `linkBase` (default a typical custom domain's).
 */
export function costWarnings(program: Program, options: { linkBase?: string } = {}): CostWarning[] {
  const linkBase = options.linkBase ?? SAMPLE_LINK_BASE;
  const measure = (key: string, field: string, text: string) => measureAsSent(key, field, text, linkBase);
  const pk = `PROGRAM#${program.programId}`;
  const values = { ...SAMPLE, programName: program.name, brandName: program.brandName, keyword: program.keyword, shortCode: program.shortCode };
  const warnings: (CostWarning | undefined)[] = [];
  const welcome = program.offers.find((offer) => offer.kind === 'welcome');
  const intro = renderTemplate(program.templates.welcome, { ...values, offer: welcome?.copy ?? '' });
  // A text with an image (the template's, or the offer's) is one MMS whatever its length.
  if (!program.templateMedia.welcome) warnings.push(measure(`${pk} / TEMPLATE#welcome`, 'body', optInConfirmation(intro, program)));
  for (const name of Object.keys(program.templates) as TemplateName[]) {
    if (name === 'welcome' || name === 'coupon' || name === 'referral-reward' || templateImage(program.templateMedia, name)) continue;
    warnings.push(measure(`${pk} / TEMPLATE#${name}`, 'body', renderTemplate(program.templates[name], { ...values, offer: '' })));
  }
  for (const offer of program.offers) {
    // The welcome offer is measured inside the welcome.
    const template = offer.kind === 'referral-reward' ? 'referral-reward' : 'coupon';
    if (offer.kind === 'welcome' || offer.mediaUrl || program.templateMedia[template]) continue;
    warnings.push(measure(`${pk} / OFFER#${offer.offerId}`, 'copy', renderTemplate(program.templates[template], { ...values, offer: offer.copy })));
  }
  // Every offer above is measured, each of several of a kind (for places, in rotation) and profile
  // rewards too; a question as it is asked (a promised reward makes its prompt longer).
  for (const question of program.questions) {
    warnings.push(measure(`${pk} / QUESTION#${question.field}`, 'prompt', questionText(question)));
  }
  for (const campaign of program.campaigns) {
    const offer = program.offers.find((candidate) => candidate.offerId === campaign.offerId);
    campaign.variants.forEach((variant, index) => {
      // An MMS (the variant's image, or its offer's) is billed as one message whatever its length.
      if (campaignMedia(variant, offer)) return;
      warnings.push(measure(`${pk} / CAMPAIGN#${campaign.campaignId}`, `variants.${index}.copy`, renderTemplate(variant.copy, { ...values, offer: offer?.copy ?? '' })));
    });
  }
  return warnings.filter((warning): warning is CostWarning => warning !== undefined);
}
