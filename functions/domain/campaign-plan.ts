/**
 * What a campaign would do before it does anything: who gets it (per zone and per variant), who does
 * not and why, what each variant costs, and how each zone's wave drains through the short code
 * before that zone's allowed hours end. Pure: the catalog's campaign, the program's subscriptions
 * and the rate in; the plan out.
 */
import { DateTime } from 'luxon';
import type { Subscription } from './audience';
import { campaignMedia, campaignStage, dueAt, outsideSegment, segmentFacts, variantFor, type Campaign, type CampaignVariant } from './campaigns';
import type { Program } from './catalog';
import { withOptOutHint } from './compliance';
import { withinCaps } from './frequency-caps';
import { localWeekday } from './local-time';
import { messagePrice } from './message-prices';
import { allowedWindow } from './quiet-hours';
import { measureSegments } from './segments';
import { SAMPLE_LINK_BASE, withSampleLinks } from './short-links';
import { renderTemplate } from './templates';
import { planWaves } from './wave-plan';

/** Why a subscriber of the program is left out, in the order they are judged. */
export const EXCLUSIONS = ['opted out', 'no ZIP', 'outside the segment', 'capped'] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export interface VariantPlan {
  id: string;
  recipients: number;
  mms: boolean;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** The carrier-side price of one message, and of all of them. */
  priceEach: number;
  price: number;
  /** The text as a recipient would see it (a sample coupon where it has one, its URLs as short links). */
  sample: string;
}

export interface ZonePlan {
  zone: string;
  recipients: number;
  /** When it is due there, and when that zone's allowed hours end that day (the strictest state among its recipients). */
  dueAt: string;
  allowedUntil: string;
  /** Minutes its wave takes on an idle sender; when the sender reaches it and is done with it. */
  drainMinutes: number;
  beginsAt: string;
  endsAt: string;
  /** Recipients reached before the allowed hours end (the rest are skipped, counted missed, never sent late). */
  reached: number;
  share: number;
}

export interface CampaignPlan {
  campaignId: string;
  programId: string;
  name: string;
  stage: 'draft' | 'scheduled' | 'finished';
  sendOn: string;
  localTime: string;
  senderMps: number;
  subscribers: number;
  audience: number;
  excluded: Record<Exclusion, number>;
  /** Subscribers outside the segment, by the first condition they fail. */
  outsideBy: Record<string, number>;
  variants: VariantPlan[];
  zones: ZonePlan[];
  price: number;
  warnings: string[];
}

/** A coupon as a recipient would see one, to measure copy that carries it. */
const SAMPLE_COUPON = { code: 'KB-7K2Q9X', validUntil: 'Tue, Mar 10, 2:00 PM' };

/** The text a variant sends: its copy with the program's (and the coupon's) values, and how to opt out when it does not say. */
export function campaignText(variant: Pick<CampaignVariant, 'copy'>, program: Program, coupon?: { code: string; validUntil: string; offer: string }): string {
  return withOptOutHint(renderTemplate(variant.copy, { programName: program.name, brandName: program.brandName, keyword: program.keyword, ...(coupon ?? {}) }));
}

const minutesSince = (origin: number, at: Date) => (at.getTime() - origin) / 60_000;

/** `linkBase`: where the stage's short links point, so copy with URLs is measured as sent (default a typical custom domain's). */
export function planCampaign(campaign: Campaign, program: Program, subscriptions: readonly Subscription[], options: { senderMps: number; at: Date; linkBase?: string }): CampaignPlan {
  const excluded = Object.fromEntries(EXCLUSIONS.map((reason) => [reason, 0])) as Record<Exclusion, number>;
  const outsideBy: Record<string, number> = {};
  const byZone = new Map<string, { recipients: number; segments: number; states: Set<string | undefined> }>();
  const byVariant = new Map<string, number>();
  const offer = program.offers.find((candidate) => candidate.offerId === campaign.offerId);
  const measured = new Map(
    campaign.variants.map((variant) => {
      const sample = withSampleLinks(campaignText(variant, program, offer ? { ...SAMPLE_COUPON, offer: offer.copy } : undefined), options.linkBase ?? SAMPLE_LINK_BASE);
      const { encoding, segments } = measureSegments(sample);
      const mms = campaignMedia(variant, offer) !== undefined;
      return [variant.id, { sample, encoding, segments: mms ? 1 : segments, mms }] as const;
    }),
  );

  for (const subscription of subscriptions) {
    if (subscription.programId !== program.programId) continue;
    if (subscription.status !== 'subscribed') {
      excluded['opted out'] += 1;
      continue;
    }
    const zone = subscription.profile.timeZone ?? program.timeZoneFallback;
    const due = dueAt(campaign, zone);
    const outside = outsideSegment(segmentFacts(subscription, zone), campaign.segment, due);
    if (outside) {
      const needsZip = (outside === 'state' || outside === 'zip') && !subscription.profile.zip;
      if (needsZip) excluded['no ZIP'] += 1;
      else {
        excluded['outside the segment'] += 1;
        outsideBy[outside] = (outsideBy[outside] ?? 0) + 1;
      }
      continue;
    }
    if (!withinCaps(subscription.marketingSentAt ?? [], due, { perDay: program.maxPerDay, perWeek: program.maxPerWeek }, zone)) {
      excluded.capped += 1;
      continue;
    }
    const variant = variantFor(campaign, subscription.phone);
    byVariant.set(variant.id, (byVariant.get(variant.id) ?? 0) + 1);
    const entry = byZone.get(zone) ?? { recipients: 0, segments: 0, states: new Set() };
    entry.recipients += 1;
    entry.segments += measured.get(variant.id)!.segments;
    entry.states.add(subscription.profile.state);
    byZone.set(zone, entry);
  }

  const origin = Date.parse(`${campaign.sendOn}T00:00:00Z`);
  const zoneFacts = [...byZone].map(([zone, entry]) => {
    const due = dueAt(campaign, zone);
    const weekday = localWeekday(due, zone);
    const endHour = Math.min(...[...entry.states].map((state) => allowedWindow(state, weekday).endHour));
    const startHour = Math.max(...[...entry.states].map((state) => allowedWindow(state, weekday).startHour));
    const allowedUntil = DateTime.fromISO(campaign.sendOn, { zone }).set({ hour: endHour }).toJSDate();
    const allowedFrom = DateTime.fromISO(campaign.sendOn, { zone }).set({ hour: startHour }).toJSDate();
    const starts = due < allowedFrom ? allowedFrom : due;
    return { zone, entry, due, starts, allowedUntil };
  });
  const waves = planWaves(
    zoneFacts.map(({ zone, entry, starts, allowedUntil }) => ({
      name: zone,
      recipients: entry.recipients,
      startsAtMinute: minutesSince(origin, starts),
      deadlineMinute: minutesSince(origin, allowedUntil),
      segmentsEach: entry.recipients === 0 ? 1 : entry.segments / entry.recipients,
    })),
    options.senderMps,
  );
  const at = (minute: number) => new Date(origin + minute * 60_000).toISOString();
  const zones: ZonePlan[] = waves.map((wave) => {
    const facts = zoneFacts.find((candidate) => candidate.zone === wave.name)!;
    return {
      zone: wave.name,
      recipients: wave.recipients,
      dueAt: facts.due.toISOString(),
      allowedUntil: facts.allowedUntil.toISOString(),
      drainMinutes: wave.drainMinutesAlone,
      beginsAt: at(wave.beginsAtMinute),
      endsAt: at(wave.endsAtMinute),
      reached: wave.delivered,
      share: wave.share,
    };
  });

  const variants: VariantPlan[] = campaign.variants.map((variant) => {
    const { sample, encoding, segments, mms } = measured.get(variant.id)!;
    const recipients = byVariant.get(variant.id) ?? 0;
    const priceEach = messagePrice({ segments, mms });
    return { id: variant.id, recipients, mms, encoding, segments, priceEach, price: priceEach * recipients, sample };
  });

  const warnings: string[] = [];
  const stage = campaignStage(campaign, options.at);
  if (stage === 'draft') warnings.push('draft: nothing is sent until its status is scheduled');
  if (stage === 'finished') warnings.push(`finished: ${campaign.sendOn} has passed in every zone`);
  for (const zone of zones) {
    if (zone.share < 1) {
      warnings.push(
        `${zone.zone}: ${zone.recipients - zone.reached} of ${zone.recipients} cannot be reached before allowed hours end at ${localClock(zone.allowedUntil, zone.zone)} at ${options.senderMps} segments/s (the wave takes ${zone.drainMinutes.toFixed(0)} min); they are skipped, never sent late`,
      );
    }
    if (zone.beginsAt > zone.dueAt && zone.share > 0) warnings.push(`${zone.zone}: starts at ${localClock(zone.beginsAt, zone.zone)}, not ${campaign.localTime} (allowed hours, or the wave before it)`);
  }
  for (const variant of variants) {
    if (!variant.mms && variant.segments > 1) warnings.push(`variant ${variant.id}: ${variant.segments} segments (${variant.encoding}): each message costs ${variant.segments}× a one-segment text`);
  }
  return {
    campaignId: campaign.campaignId,
    programId: program.programId,
    name: campaign.name,
    stage,
    sendOn: campaign.sendOn,
    localTime: campaign.localTime,
    senderMps: options.senderMps,
    subscribers: subscriptions.filter((s) => s.programId === program.programId).length,
    audience: [...byZone.values()].reduce((sum, entry) => sum + entry.recipients, 0),
    excluded,
    outsideBy,
    variants,
    zones,
    price: variants.reduce((sum, variant) => sum + variant.price, 0),
    warnings,
  };
}

function localClock(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('HH:mm');
}
