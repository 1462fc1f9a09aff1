import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { catalogSource, statsStore } from '../adapters/dependencies';
import { reportPeriod } from '../domain/funnel-report';
import { buildFunnelReport } from '../domain/record-stats';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { reportQuery } from '../schemas/console-queries';
import { refusedUnlessStaff } from './console-api-responses';
import { json, queryOf } from './api-json';


/**
 * GET /api/report?from&to&program: the funnel report (what GET /local/report and `npm run report --
 * --json` give) from the stats table's counters; by default the last 30 days, every program.
 */
const onRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const refused = refusedUnlessStaff(event);
  if (refused) return refused;
  const asked = queryOf(event, reportQuery);
  if ('rejection' in asked) return asked.rejection;
  const { program, ...days } = asked.query;
  const period = reportPeriod(Object.fromEntries(Object.entries(days).filter(([, value]) => value !== undefined)), clock.now());
  if ('error' in period) return json(400, { error: period.error });
  const catalog = await catalogSource().load();
  if (program && !catalog.programs.some((candidate) => candidate.programId === program)) {
    return json(400, { error: `program: no program "${program}" in the catalog`, programs: catalog.programs.map((candidate) => candidate.programId) });
  }
  return json(200, await buildFunnelReport(period.from, period.to, { stats: statsStore(), catalog: { load: async () => catalog } }, program));
};

export const handler = middy(onRequest).use(injectLambdaContext(logger));
