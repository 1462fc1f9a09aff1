import type { FunnelReport, ProgramFunnel } from '../functions/domain/funnel-report';
import { formatTable } from './text-table';

/** "KRUSTY 8, BURGER 4": a breakdown, largest first. */
function breakdown(values: Record<string, number>, format: (value: number) => string = String): string {
  const entries = Object.entries(values).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '' : ` (${entries.map(([name, value]) => `${name} ${format(value)}`).join(', ')})`;
}

const money = (value: number) => value.toFixed(2);
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

function programText(funnel: ProgramFunnel): string {
  const { awareness: a, consideration: c, purchase: p, retention: r, advocacy: v } = funnel;
  const m = r.messages;
  return [
    `${funnel.name} (${funnel.programId})`,
    `  Awareness      keyword texts ${a.keywordTexts}${breakdown(a.byKeyword)}; by placement${breakdown(a.byPlacement) || ' –'}; HELP ${a.helpRequests} (from strangers ${a.helpFromStrangers})`,
    `  Consideration  opt-ins ${c.optIns}${breakdown(c.optInsByPlacement)}; profile answers ${c.profileAnswers.total}${breakdown(c.profileAnswers.by)}; link clicks ${c.clicks.unique} unique / ${c.clicks.total} total${breakdown(c.clicks.bySource)}`,
    `  Purchase       coupons issued ${p.couponsIssued.total}${breakdown(p.couponsIssued.by)}; redeemed ${p.couponsRedeemed.total}${breakdown(p.couponsRedeemed.by)}; orders ${p.orders}, revenue ${money(p.revenue)}`,
    `                 attributed to a coupon: ${p.attributed.orders} order(s), revenue ${money(p.attributed.revenue)}; by source${breakdown(p.attributed.bySource, money) || ' –'}; by placement${breakdown(p.attributed.byPlacement, money) || ' –'}`,
    `  Retention      live subscribers ${r.liveSubscribers}; repeat purchasers ${r.repeatPurchasers}; opt-outs ${r.optOuts}${breakdown(r.optOutsBySource)}, rate ${percent(r.optOutRate)}`,
    `                 messages sent ${m.sent}, delivered ${m.delivered}, failed ${m.failed}; dropped by caps ${m.capped}, deferred by quiet hours ${m.deferred}, expired ${m.expired}, blocked (no consent) ${m.blocked}`,
    `  Advocacy       surveys 4–5: ${v.surveysHappy}, 1–3: ${v.surveysUnhappy}; review/share clicks ${v.reviewShareClicks}; SHARE asked ${v.shareRequests}; referrals completed ${v.referralsCompleted}`,
  ].join('\n');
}

/** The report as people read it in a terminal. */
export function funnelText(report: FunnelReport): string {
  const programs = report.programs.map(programText).join('\n\n');
  const campaigns =
    report.campaigns.length === 0
      ? 'Campaigns: none sent yet.'
      : formatTable(
          'Campaigns (all time)',
          ['program', 'campaign', 'variant', 'sent', 'delivered', 'clicked', 'redeemed', 'revenue', 'opt-outs 24 h'],
          report.campaigns.map((row) => [row.programId, row.campaignId, row.variant, row.sent, row.delivered, row.uniqueClicks, row.redeemed, money(row.revenue), row.optOuts]),
        );
  return `Funnel ${report.from} … ${report.to} (each program's local days)\n\n${programs || 'No programs in the catalog.'}\n\n${campaigns}`;
}
