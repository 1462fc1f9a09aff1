import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { programSubscriptions } from '../adapters/audience-scan';
import { scanCatalogItems } from '../adapters/catalog-scan';
import { statsStore } from '../adapters/dependencies';
import { dynamo } from '../adapters/dynamo-client';
import type { Subscription } from '../domain/audience';
import { validateCatalog } from '../domain/catalog';
import { campaignsView } from '../domain/console-campaigns';
import { reportPeriod } from '../domain/funnel-report';
import { buildFunnelReport } from '../domain/record-stats';
import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { senderPaceFromEnv } from '../shared/sender-pace';
import { campaignsQuery } from '../schemas/console-queries';
import { refusedUnlessStaff } from './console-api-responses';
import { json, queryOf } from './api-json';


/**
 * GET /api/campaigns[?program=]: each campaign's plan (as `npm run campaign -- plan --json`: it reads
 * the program's subscriptions once) and, once sent, its results per variant (the stats table's
 * campaign counters, all time).
 */
const onRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const refused = refusedUnlessStaff(event);
  if (refused) return refused;
  const asked = queryOf(event, campaignsQuery);
  if ('rejection' in asked) return asked.rejection;
  const now = clock.now();
  const validation = validateCatalog(await scanCatalogItems(dynamo(), requiredEnv('CATALOG_TABLE')));
  const catalog = { programs: validation.catalog.programs.filter((program) => !asked.query.program || program.programId === asked.query.program) };
  const withCampaigns = catalog.programs.filter((program) => program.campaigns.length > 0);
  const audienceTable = requiredEnv('AUDIENCE_TABLE');
  const subscriptions = new Map<string, Subscription[]>(
    await Promise.all(withCampaigns.map(async (program) => [program.programId, await programSubscriptions(dynamo(), audienceTable, program.programId)] as const)),
  );
  // The campaign rows are all time; the period only bounds the day counters read alongside them.
  const today = reportPeriod({}, now) as { from: string; to: string };
  const report = await buildFunnelReport(today.to, today.to, { stats: statsStore(), catalog: { load: async () => ({ programs: withCampaigns }) } });
  const linkBase = process.env.LINK_BASE;
  return json(
    200,
    campaignsView(catalog, validation.problems.filter((problem) => !asked.query.program || problem.key.startsWith(`PROGRAM#${asked.query.program} /`)), (programId) => subscriptions.get(programId) ?? [], report.campaigns, {
      senderMps: senderPaceFromEnv().mps,
      at: now,
      ...(linkBase ? { linkBase } : {}),
    }),
  );
};

export const handler = middy(onRequest).use(injectLambdaContext(logger));
