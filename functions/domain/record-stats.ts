import { localDate } from './local-time';
import type { CatalogSource, StatsStore } from './ports';
import { optOutCountsAgainst, statsUpdate, type StatsEvent } from './stats';
import { funnelReport, type FunnelReport } from './funnel-report';

export type StatsResult = 'counted' | 'duplicate' | 'ignored';

/**
 * One domain event into the funnel's counters, once per event id: the day is the program's local day
 * (its fallback zone), so a report's days are the marketer's. An opt-out within a day of a campaign
 * text also counts against that campaign's variant.
 */
export async function recordStats(event: StatsEvent, deps: { stats: StatsStore; catalog: CatalogSource }): Promise<StatsResult> {
  const update = statsUpdate(event);
  if (!update) return 'ignored';
  const catalog = await deps.catalog.load();
  const program = catalog.programs.find((candidate) => candidate.programId === update.programId);
  const localDay = localDate(new Date(event.at), program?.timeZoneFallback ?? 'UTC');
  if (update.optedOut && !update.campaign) {
    const recent = await deps.stats.recentCampaignText(update.programId, update.optedOut.phone);
    if (recent && optOutCountsAgainst(recent.at, update.optedOut.at)) {
      update.campaign = { campaignId: recent.campaignId, counts: { [`optOuts|variant=${recent.variantId}`]: 1 } };
    }
  }
  return deps.stats.apply(event.id, { ...update, localDay, eventType: event.type });
}

/** The funnel report for [from, to] (local days, inclusive), for one program or every program of the catalog. */
export async function buildFunnelReport(from: string, to: string, deps: { stats: StatsStore; catalog: CatalogSource }, programId?: string): Promise<FunnelReport> {
  const catalog = await deps.catalog.load();
  const programs = catalog.programs.filter((program) => !programId || program.programId === programId);
  const counts = await Promise.all(programs.map(async (program) => ({ programId: program.programId, name: program.name, ...(await deps.stats.programCounts(program.programId, from, to)) })));
  return funnelReport(from, to, counts);
}
