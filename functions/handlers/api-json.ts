import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod/mini';

/** A JSON answer of the console's API: never cached (it is what the tables hold now). */
export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: JSON.stringify(body),
  };
}

/**
 * The query parameters by `schema`, or the 400 to answer (naming each parameter and what is wrong).
 * A parameter given twice is refused: API Gateway would join its values with a comma.
 */
export function queryOf<T>(event: APIGatewayProxyEventV2, schema: z.ZodMiniType<T>): { query: T } | { rejection: APIGatewayProxyStructuredResultV2 } {
  const raw = new URLSearchParams(event.rawQueryString ?? '');
  const repeated = [...new Set([...raw.keys()].filter((name, index, all) => all.indexOf(name) !== index))];
  if (repeated.length > 0) return { rejection: json(400, { error: `${repeated.join(', ')}: given more than once` }) };
  const parsed = schema.safeParse(Object.fromEntries(raw));
  if (!parsed.success) return { rejection: json(400, { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; ') }) };
  return { query: parsed.data };
}
