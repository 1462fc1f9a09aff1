import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readConsoleFile } from '../adapters/console-files';
import { consoleSettings } from '../shared/console-settings';

/**
 * The console's page (GET /) and its files (GET /console/{file}): static, holding no data (the data
 * comes from /api, behind login in AWS). config.json is made from the environment: where the login
 * is (null: none, on the local gateway), and whether this is the local gateway (its /local routes).
 */
/**
 * Its own scripts and styles only; MMS images may come from anywhere on https; the only other origin
 * it may call is the staff login's (its token endpoint), when there is one.
 */
function securityHeaders(): Record<string, string> {
  const login = consoleSettings().auth?.domain;
  const connect = login ? `'self' ${new URL(login).origin}` : "'self'";
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
  };
}

const notFound = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json; charset=utf-8', ...securityHeaders() },
  body: JSON.stringify({ error: 'no such console file' }),
});

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const name = event.pathParameters?.file ?? 'index.html';
  // Revalidated on every load: a new deploy (or an edit, locally) shows at once.
  const headers = { 'cache-control': 'no-cache', ...securityHeaders() };
  if (name === 'config.json') {
    return { statusCode: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(consoleSettings()) };
  }
  const file = readConsoleFile(name);
  if (!file) return notFound();
  const binary = !file.contentType.includes('charset');
  return {
    statusCode: 200,
    headers: { ...headers, 'content-type': file.contentType },
    body: binary ? file.body.toString('base64') : file.body.toString('utf8'),
    isBase64Encoded: binary,
  };
};
