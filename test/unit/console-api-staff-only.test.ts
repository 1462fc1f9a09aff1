import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { resolve } from 'node:path';
import { functionEntries } from '../../lib/topology';

/**
 * Nothing personal without login: every /api function of the topology answers 401 to a request that
 * reaches it in AWS without the JWT authorizer's claims (a route deployed without the authorizer, a
 * direct invocation), before it reads anything. The local gateway (127.0.0.1) needs no login.
 */
const apiFunctions = functionEntries().filter(([, spec]) => spec.trigger.kind === 'http' && spec.trigger.path.startsWith('/api/'));

const context = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function request(path: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    pathParameters: { ref: 'KzE1NTU1NTUwMTAw' },
    requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl' } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

beforeAll(() => {
  delete process.env.LOCAL_GATEWAY;
});

test('the console API has functions to check', () => {
  expect(apiFunctions.map(([name]) => name).sort()).toEqual(['apiCampaigns', 'apiCatalog', 'apiProblems', 'apiReport', 'subscriberDetail', 'subscriberMessages', 'subscribersList']);
});

test.each(apiFunctions)('%s answers 401 without the authorizer\'s claims', async (_name, spec) => {
  // Prepare
  const { handler } = (await import(resolve(__dirname, '../..', spec.entry))) as { handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }> };
  const path = spec.trigger.kind === 'http' ? spec.trigger.path : '';

  // Act
  const answer = await handler(request(path), context);

  // Assess
  expect(answer.statusCode).toBe(401);
  expect(JSON.parse(answer.body)).toEqual({ error: 'sign in to the console first' });
});
