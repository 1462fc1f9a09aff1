import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { dynamo } from '../adapters/dynamo-client';
import { DynamoSubscriberReads } from '../adapters/dynamo-subscriber-reads';
import { maskPhone } from '../domain/phone-masking';
import { phoneOfRef, subscriberDetail, subscriberRow } from '../domain/subscriber-view';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { once } from '../shared/once';
import { json, refusedUnlessStaff } from './console-api-responses';

const reads = once(() => new DynamoSubscriberReads(dynamo(), requiredEnv('AUDIENCE_TABLE')));

/** Where a page of the list starts: the last key the previous page read, as base64url JSON. */
const cursorKey = z.object({ pk: z.string().min(1).max(300), sk: z.string().min(1).max(300) }).strict();

function cursorOf(raw: string | undefined): { ok: true; start?: Record<string, string> } | { ok: false } {
  if (raw === undefined || raw === '') return { ok: true };
  try {
    const parsed = cursorKey.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? { ok: true, start: parsed.data } : { ok: false };
  } catch {
    return { ok: false };
  }
}

const cursorFor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk }), 'utf8').toString('base64url');

/** GET /api/subscribers?cursor=: a page of subscriptions, numbers masked, each with the ref of its detail. */
async function list(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const cursor = cursorOf(new URLSearchParams(event.rawQueryString ?? '').get('cursor') ?? undefined);
  if (!cursor.ok) return json(400, { error: 'cursor is not one this API gave out' });
  const page = await reads().page(cursor.start);
  return json(200, { subscribers: page.subscriptions.map(subscriberRow), ...(page.next ? { cursor: cursorFor(page.next) } : {}) });
}

/** GET /api/subscribers/{ref} and GET /api/subscribers/{ref}/messages. */
async function one(event: APIGatewayProxyEventV2, what: 'detail' | 'messages'): Promise<APIGatewayProxyStructuredResultV2> {
  const phone = phoneOfRef(event.pathParameters?.ref ?? '');
  if (!phone) return json(400, { error: 'ref is not a phone number (base64url of an E.164 number)' });
  if (what === 'messages') return json(200, { messages: await reads().thread(phone) });
  const detail = subscriberDetail(phone, await reads().subscriber(phone));
  if (!detail) {
    logger.info('Console: no such subscriber', { phone: maskPhone(phone) });
    return json(404, { error: 'the gateway holds nothing of this number' });
  }
  return json(200, detail);
}

/**
 * The console's subscriber API (read-only, staff only): the list, one number's whole record (what a
 * support agent or a carrier audit asks for: the consent ledger with each raw text), its thread.
 */
const onRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const refused = refusedUnlessStaff(event);
  if (refused) return refused;
  try {
    if (event.routeKey.endsWith('/messages')) return await one(event, 'messages');
    if (event.pathParameters?.ref !== undefined) return await one(event, 'detail');
    return await list(event);
  } catch (error) {
    logger.error('Console subscriber read failed', { error: error as Error });
    return json(503, { error: 'the audience could not be read just now; try again' });
  }
};

export const handler = middy(onRequest).use(injectLambdaContext(logger));
