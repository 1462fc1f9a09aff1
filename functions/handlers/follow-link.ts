import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { linkStore } from '../adapters/dependencies';
import { eventPublisher } from '../adapters/event-dependencies';
import { followLink } from '../domain/short-links';
import { linkPath } from '../schemas/link-path';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';

/** What a tap on an unknown, expired or malformed link shows: a page, never an error. */
const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link not found</title></head>' +
  '<body><h1>Link not found</h1><p>This link has expired or does not exist.</p></body></html>';

const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' };

const notFound = (): APIGatewayProxyStructuredResultV2 => ({ statusCode: 404, headers: { 'content-type': 'text/html; charset=utf-8', ...NO_STORE }, body: NOT_FOUND_PAGE });

/**
 * GET /l/{id}, a short link tapped in a text: 302 to where it goes, the click counted and published
 * (LinkClicked). Public by design: subscribers tap it; an id is unguessable, and one that is not a
 * live link (malformed ids are not even looked up) gets a small 404 page. Not cached, so every tap counts.
 */
const onFollow = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const path = linkPath.safeParse(event.pathParameters ?? {});
  if (!path.success) return notFound();
  const followed = await followLink(path.data.id, {
    links: linkStore(),
    events: eventPublisher(),
    clock,
    onUnpublished: (error) => logger.error('LinkClicked not published (the click is counted on the link)', { linkId: path.data.id, error: (error as Error).message }),
  });
  if (followed.kind === 'not-found') {
    logger.info('Unknown or expired link', { linkId: path.data.id });
    return notFound();
  }
  return { statusCode: 302, headers: { location: followed.url, ...NO_STORE }, body: '' };
};

export const handler = middy(onFollow).use(injectLambdaContext(logger));
