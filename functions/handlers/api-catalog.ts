import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { scanCatalogItems } from '../adapters/catalog-scan';
import { dynamo } from '../adapters/dynamo-client';
import { catalogView } from '../domain/console-catalog';
import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { noQuery } from '../schemas/console-queries';
import { refusedUnlessStaff } from './console-api-responses';
import { json, queryOf } from './api-json';


/**
 * GET /api/catalog: every program as a phone would see its texts (sample values, short links), with
 * encoding, segments and price, and every broken item by key, field and reason. Read-only.
 */
const onRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const refused = refusedUnlessStaff(event);
  if (refused) return refused;
  const asked = queryOf(event, noQuery);
  if ('rejection' in asked) return asked.rejection;
  const items = await scanCatalogItems(dynamo(), requiredEnv('CATALOG_TABLE'));
  const linkBase = process.env.LINK_BASE;
  return json(200, catalogView(items, { at: clock.now(), ...(linkBase ? { linkBase } : {}) }));
};

export const handler = middy(onRequest).use(injectLambdaContext(logger));
