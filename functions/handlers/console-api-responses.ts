import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isLocalGateway } from '../shared/console-settings';

import { json } from './api-json';

export { json };

/**
 * The console's API answers staff only: a request the API's JWT authorizer let through (its claims
 * are on the request), or any request on the local gateway (127.0.0.1, no login). Without an
 * authorizer in front, an /api function in AWS answers 401 rather than hand out subscribers' data.
 */
export function refusedUnlessStaff(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 | undefined {
  if (isLocalGateway()) return undefined;
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  return claims && Object.keys(claims).length > 0 ? undefined : json(401, { error: 'sign in to the console first' });
}
