/**
 * Sending a campaign: the 15-minute `campaigns` schedule hands out, once per campaign and zone, the
 * first pages of each zone whose local time has reached the campaign's; each page texts its share of
 * the segment, each recipient once, and hands the next page on. Like the lunch fan-out, so a million
 * subscribers never meet a function's time limit.
 */
import type { OutboundMessage, Subscription } from './audience';
import { campaignText } from './campaign-plan';
import { allowedUntil, campaignMedia, campaignStage, dueAt, outsideSegment, segmentFacts, variantFor, type Campaign, type CampaignVariant } from './campaigns';
import type { Catalog, Offer, Program } from './catalog';
import type { DomainEvent, MessageSource } from './events';
import { withinCaps } from './frequency-caps';
import { couponIssuedEvent, earlier, issueAndQueue, type ComposedText } from './issue-coupon';
import { handOutWaves, type PageDeps } from './hand-out-waves';
import { effectiveZone, KNOWN_ZONES, UNKNOWN_ZONE } from './lunch';
import { friendlyDate, localDate } from './local-time';
import type { CampaignPageQueue, CampaignWaves, CatalogSource, Clock } from './ports';
import type { Coupon } from './coupons';

/** One page of one zone's subscribers to send a campaign to. */
export interface CampaignPage {
  programId: string;
  campaignId: string;
  zone: string;
  /** Which of the zone's page chains; absent: the chain of subscriptions filed before zones had shards. */
  shard?: number;
  /** The campaign's date when the wave began: a campaign moved to another date since stops where it is. */
  sendOn: string;
  /** Where the previous page stopped; absent for the first page. */
  after?: string;
}

/** Subscribers per page of a campaign's chain (CAMPAIGN_PAGE_SIZE overrides it). */
export const CAMPAIGN_PAGE_SIZE = 100;

/** Texts per queue call (SQS SendMessageBatch takes ten). */
const QUEUE_BATCH = 10;

/**
 * The zones where a scheduled campaign is due at `at`: their local time has reached its `localTime`
 * on its `sendOn`, and that local day is not over (a zone whose day passed without its wave is not
 * walked late). Subscribers without a ZIP are filed under UNKNOWN_ZONE and go by the program's
 * fallback zone. A segment limited to some time zones skips the others without reading them.
 */
export function campaignPagesDue(catalog: Catalog, at: Date): CampaignPage[] {
  const pages: CampaignPage[] = [];
  for (const program of catalog.programs) {
    for (const campaign of program.campaigns) {
      if (campaignStage(campaign, at) !== 'scheduled') continue;
      for (const zone of [...KNOWN_ZONES, UNKNOWN_ZONE]) {
        const clockZone = effectiveZone(zone, program);
        if (campaign.segment.timeZones?.length && !campaign.segment.timeZones.includes(clockZone)) continue;
        if (at < dueAt(campaign, clockZone) || localDate(at, clockZone) !== campaign.sendOn) continue;
        pages.push({ programId: program.programId, campaignId: campaign.campaignId, zone, sendOn: campaign.sendOn });
      }
    }
  }
  return pages;
}

/**
 * The 15-minute schedule: the first pages (handOutWaves: one chain per shard) of every zone where a
 * campaign became due and whose wave has not been handed out. A zone handed out twice after a crash
 * sends nobody a second text: every recipient's text carries the same deduplication id.
 */
export async function dispatchCampaigns(deps: { catalog: CatalogSource; pages: CampaignPageQueue; waves: CampaignWaves; clock: Clock; shards: number }): Promise<CampaignPage[]> {
  const at = deps.clock.now();
  return handOutWaves(campaignPagesDue(await deps.catalog.load(), at), deps, at);
}

export type CampaignDeps = PageDeps<CampaignPage>;

/** What one page did with its subscribers. */
export interface CampaignPageResult {
  /** Texts queued (again, on a retry: the queue and the sender drop what they have seen). */
  queued: number;
  /** In the segment, but the day's allowed hours had ended: skipped, never sent late. */
  missed: number;
  capped: number;
  /** Not live, or outside the segment. */
  skipped: number;
  handedOn: boolean;
  /** Why the page sent nothing at all (the campaign is gone, a draft again, finished or moved). */
  stopped?: string;
}

/** The deduplication id of a recipient's text: one per program, campaign and phone, however it is retried or edited. */
export function campaignMessageId(programId: string, campaignId: string, phone: string): string {
  return `campaign-${programId}-${campaignId}-${phone}`;
}

export function campaignSentEvent(campaign: Campaign, variant: CampaignVariant, phone: string, at: Date, coupon?: Coupon): DomainEvent {
  return {
    type: 'CampaignSent',
    id: `campaign:${campaign.programId}:${campaign.campaignId}:${phone}`,
    at: at.toISOString(),
    detail: { phone, programId: campaign.programId, campaignId: campaign.campaignId, variant: variant.id, ...(coupon ? { code: coupon.code, offerId: coupon.offerId } : {}) },
  };
}

interface Recipient {
  subscription: Subscription;
  variant: CampaignVariant;
  notAfter: Date;
}

/** A recipient's text, with their coupon when the campaign has an offer. */
function campaignMessage(campaign: Campaign, program: Program, recipient: Recipient, timeZone: string, coupon?: { coupon: Coupon; offer: Offer }): OutboundMessage {
  const { variant, subscription } = recipient;
  const filled = coupon && { code: coupon.coupon.code, validUntil: friendlyDate(new Date(coupon.coupon.validUntil), timeZone), offer: coupon.offer.copy };
  const mediaUrl = campaignMedia(variant, coupon?.offer);
  const notAfter = earlier(recipient.notAfter.toISOString(), coupon?.coupon.validUntil)!;
  return {
    to: subscription.phone,
    from: program.shortCode,
    body: campaignText(variant, program, filled),
    purpose: 'marketing',
    programId: program.programId,
    notAfter,
    source: campaignSource(campaign, variant, coupon?.offer),
    ...(mediaUrl ? { mediaUrl: [mediaUrl] } : {}),
  };
}

/** A campaign's texts and coupons, by variant: the campaign table's rows. */
export function campaignSource(campaign: Campaign, variant: CampaignVariant, offer?: Offer): MessageSource {
  return { kind: 'campaign', campaignId: campaign.campaignId, variantId: variant.id, ...(offer ? { offerId: offer.offerId } : {}) };
}

/**
 * One page of one zone's subscribers: each live subscriber in the segment, within the frequency caps
 * and before the day's allowed hours end for them, gets their variant's text (with their own coupon
 * when the campaign has an offer, issued once per campaign and recipient). The next page is handed on
 * first, so pages proceed side by side. A retried page queues the same texts under the same
 * deduplication ids and issues no coupon twice; consent, quiet hours and caps are judged again by the
 * sender at the last moment.
 */
export async function sendCampaignPage(page: CampaignPage, deps: CampaignDeps): Promise<CampaignPageResult> {
  const nothing = { queued: 0, missed: 0, capped: 0, skipped: 0, handedOn: false };
  const catalog = await deps.catalog.load();
  const program = catalog.programs.find((candidate) => candidate.programId === page.programId);
  const campaign = program?.campaigns.find((candidate) => candidate.campaignId === page.campaignId);
  const at = deps.clock.now();
  if (!program || !campaign) return { ...nothing, stopped: 'no such campaign in the catalog' };
  const stage = campaignStage(campaign, at);
  if (stage !== 'scheduled') return { ...nothing, stopped: stage };
  if (campaign.sendOn !== page.sendOn) return { ...nothing, stopped: `moved to ${campaign.sendOn}` };
  const offer = campaign.offerId === undefined ? undefined : program.offers.find((candidate) => candidate.offerId === campaign.offerId);
  if (campaign.offerId !== undefined && !offer) return { ...nothing, stopped: `offer ${campaign.offerId} is gone` };

  const { subscriptions, next } = await deps.audience.subscribersInZone(page, deps.pageSize, page.after);
  if (next) await deps.pages.send([{ ...page, after: next }]);

  const timeZone = effectiveZone(page.zone, program);
  const caps = { perDay: program.maxPerDay, perWeek: program.maxPerWeek };
  const result = { ...nothing, handedOn: Boolean(next) };
  const recipients: Recipient[] = [];
  for (const subscription of subscriptions) {
    if (subscription.status !== 'subscribed' || outsideSegment(segmentFacts(subscription, timeZone), campaign.segment, at)) {
      result.skipped += 1;
      continue;
    }
    const notAfter = allowedUntil(campaign, timeZone, subscription.profile.state);
    if (at >= notAfter) result.missed += 1;
    else if (!withinCaps(subscription.marketingSentAt ?? [], at, caps, timeZone)) result.capped += 1;
    else recipients.push({ subscription, variant: variantFor(campaign, subscription.phone), notAfter });
  }

  const id = (recipient: Recipient) => campaignMessageId(program.programId, campaign.campaignId, recipient.subscription.phone);
  if (offer) {
    const grants = recipients.map((recipient) => ({
      phone: recipient.subscription.phone,
      program,
      offer,
      period: `campaign:${campaign.campaignId}`,
      timeZone,
      source: campaignSource(campaign, recipient.variant, offer),
      compose: (coupon: Coupon, issuedOffer: Offer): ComposedText => ({
        id: id(recipient),
        message: campaignMessage(campaign, program, recipient, timeZone, { coupon, offer: issuedOffer }),
        events: [couponIssuedEvent(coupon, issuedOffer), campaignSentEvent(campaign, recipient.variant, recipient.subscription.phone, at, coupon)],
      }),
    }));
    const { issued, requeued } = await issueAndQueue(grants, at, deps, deps.concurrency);
    result.queued = issued.length + requeued.length;
    return result;
  }
  for (let start = 0; start < recipients.length; start += QUEUE_BATCH) {
    const batch = recipients.slice(start, start + QUEUE_BATCH);
    await deps.outbox.enqueueEach(batch.map((recipient) => ({ id: id(recipient), message: campaignMessage(campaign, program, recipient, timeZone) })));
    await deps.events.publish(batch.map((recipient) => campaignSentEvent(campaign, recipient.variant, recipient.subscription.phone, at)));
  }
  result.queued = recipients.length;
  return result;
}
