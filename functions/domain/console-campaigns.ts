/**
 * The campaigns as the console shows them: each with its stage, its plan (who would get it per zone
 * and variant, who not and why, the waves at the short code's rate, the warnings: what
 * `npm run campaign -- plan --json` prints) and, once sent, its results per variant (the funnel
 * report's campaign rows). Pure: the validated catalog, each program's subscriptions and the rows in.
 */
import type { Subscription } from './audience';
import { planCampaign, type CampaignPlan } from './campaign-plan';
import type { Catalog, CatalogProblem } from './catalog';
import type { CampaignRow } from './funnel-report';

export interface CampaignView {
  programId: string;
  programName: string;
  campaignId: string;
  name: string;
  stage: CampaignPlan['stage'];
  sendOn: string;
  localTime: string;
  plan: CampaignPlan;
  /** Per variant, once anything was queued for it (all time); empty before. */
  results: CampaignRow[];
}

export interface CampaignsView {
  senderMps: number;
  campaigns: CampaignView[];
  /** Broken campaign items (left out above), by key, field and reason. */
  problems: CatalogProblem[];
}

/** Whether a catalog problem is about a campaign item. */
export const isCampaignProblem = (problem: CatalogProblem): boolean => problem.key.includes(' / CAMPAIGN#');

export function campaignsView(
  catalog: Catalog,
  problems: readonly CatalogProblem[],
  subscriptionsOf: (programId: string) => readonly Subscription[],
  rows: readonly CampaignRow[],
  options: { senderMps: number; at: Date; linkBase?: string },
): CampaignsView {
  const campaigns = catalog.programs.flatMap((program) =>
    program.campaigns.map((campaign): CampaignView => {
      const plan = planCampaign(campaign, program, subscriptionsOf(program.programId), options);
      return {
        programId: program.programId,
        programName: program.name,
        campaignId: campaign.campaignId,
        name: campaign.name,
        stage: plan.stage,
        sendOn: campaign.sendOn,
        localTime: campaign.localTime,
        plan,
        results: rows.filter((row) => row.programId === program.programId && row.campaignId === campaign.campaignId),
      };
    }),
  );
  // Soonest first; finished ones after the ones still to come.
  const order = { scheduled: 0, draft: 1, finished: 2 } as const;
  campaigns.sort((a, b) => order[a.stage] - order[b.stage] || a.sendOn.localeCompare(b.sendOn) || `${a.programId} ${a.campaignId}`.localeCompare(`${b.programId} ${b.campaignId}`));
  return { senderMps: options.senderMps, campaigns, problems: problems.filter(isCampaignProblem) };
}
