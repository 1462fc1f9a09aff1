import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { setClock } from '../../functions/shared/clock';
import type { Clock } from '../../functions/domain/ports';
import { reportPeriod, type FunnelReport } from '../../functions/domain/funnel-report';
import type { LocalBus, LocalScheduler } from './bus-and-scheduler';
import { httpApiEvent, lambdaContext } from './lambda-events';
import type { OutboxEntry } from './sandbox-carrier';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpRoute {
  method: string;
  path: string;
  functionName: string;
  timeoutSeconds: number;
  handler: HttpHandler;
}

/** What the routes need; absent until every local component is ready. */
export interface RunningParts {
  routes: HttpRoute[];
  bus: LocalBus;
  scheduler: LocalScheduler;
  clock: Clock;
  outbox: () => OutboxEntry[];
  /** The funnel report for local days [from, to] (GET /local/report: what `npm run report -- --json` prints). */
  report: (from: string, to: string, programId?: string) => Promise<FunnelReport>;
  /** What GET /health answers; while `healthy` is false it is a 503 and so are the webhooks. */
  health: () => Promise<{ healthy: boolean; down: string[]; body: Record<string, unknown> }>;
}

/**
 * Where the handlers' EventBridge client is pointed (AWS_ENDPOINT_URL_EVENTBRIDGE); the SDK posts to
 * the endpoint's path plus '/'. PutEvents is answered here only: the header alone means nothing elsewhere.
 */
export const LOCAL_EVENTBRIDGE_PATH = '/local/eventbridge';

const detailJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Detail is not JSON' });
    return z.NEVER;
  }
});

/** The part of EventBridge's PutEvents request the handlers' EventBridge client sends. */
const putEventsRequest = z.object({
  Entries: z.array(z.object({ Source: z.string(), DetailType: z.string(), Detail: detailJson, EventBusName: z.string().optional() })).min(1).max(10),
});

const localEvent = z.object({ source: z.string().min(1), detailType: z.string().min(1), detail: z.unknown() });
const clockSetting = z.object({ now: z.union([z.iso.datetime({ offset: true }), z.null()]) });

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(typeof body === 'string' ? body : JSON.stringify(body, null, 2));
}

/**
 * The largest body the local gateway reads. Twilio's webhooks are a few kilobytes (receive-sms and
 * track-delivery refuse more than 64 KB themselves, in AWS too), local events and settings less;
 * API Gateway's own cap is 10 MB.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body, or undefined when it is (declared or turns out) larger than `limit`: nothing more of it is kept. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.pause();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** How long a refused upload's connection stays half-open for the client to read the 413. */
const REFUSED_UPLOAD_GRACE_MS = 2000;

/**
 * 413 for a body over the limit. Nothing more of the upload is kept: whatever still arrives is
 * discarded. Closing at once would reset the connection under a client still sending before it read
 * the answer, so the gateway ends its side (FIN) once the answer is out, and cuts the connection when
 * the client closes or after REFUSED_UPLOAD_GRACE_MS.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const cut = setTimeout(() => socket.destroy(), REFUSED_UPLOAD_GRACE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  res.once('finish', () => socket.end());
  send(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
}

function safelyDecoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

/**
 * The path parameters of a request path on a route path (`/l/{id}` matches `/l/AbCd2345` with
 * { id: 'AbCd2345' }, decoded as API Gateway decodes them), or undefined when it does not match.
 * A parameter matches one whole, non-empty segment.
 */
export function matchPath(routePath: string, pathname: string): Record<string, string> | undefined {
  const expected = routePath.split('/');
  const actual = pathname.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < expected.length; i += 1) {
    const name = /^\{(\w+)\}$/.exec(expected[i]!)?.[1];
    if (!name) {
      if (expected[i] !== actual[i]) return undefined;
      continue;
    }
    const value = safelyDecoded(actual[i]!);
    if (!value) return undefined;
    parameters[name] = value;
  }
  return parameters;
}

/** The query string exactly as the client sent it (as API Gateway's rawQueryString), which signatures cover. */
function rawQueryString(requestUrl: string): string {
  const start = requestUrl.indexOf('?');
  return start === -1 ? '' : requestUrl.slice(start + 1);
}

function parseJson<T>(schema: z.ZodType<T>, body: Buffer): { ok: true; value: T } | { ok: false; error: string } {
  try {
    const result = schema.safeParse(JSON.parse(body.toString('utf8') || 'null'));
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, error: result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
}

/** The local gateway's routes, per the contract in DESIGN.md. */
export function routeRequest(getParts: () => RunningParts | undefined, onError: (error: unknown) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = URL.canParse(req.url ?? '/', 'http://local') ? new URL(req.url ?? '/', 'http://local') : undefined;
      if (!url) return send(res, 400, { error: 'malformed request target' });
      const method = req.method ?? 'GET';
      const body = await readBody(req, MAX_BODY_BYTES);
      if (!body) return refuseTooLarge(req, res);
      const parts = getParts();
      if (method === 'GET' && url.pathname === '/health') {
        if (!parts) return send(res, 503, { status: 'starting' });
        const health = await parts.health();
        return send(res, health.healthy ? 200 : 503, health.body);
      }
      if (!parts) return send(res, 503, { error: 'the local gateway is still starting' });

      if (url.pathname === LOCAL_EVENTBRIDGE_PATH || url.pathname === `${LOCAL_EVENTBRIDGE_PATH}/`) {
        if (method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          return send(res, 400, { __type: 'UnknownOperationException', message: 'the local bus answers POST with x-amz-target: AWSEvents.PutEvents only' }, 'application/x-amz-json-1.1');
        }
        const parsed = parseJson(putEventsRequest, body);
        if (!parsed.ok) return send(res, 400, { __type: 'ValidationException', message: parsed.error }, 'application/x-amz-json-1.1');
        const entries = parsed.value.Entries.map((entry) => {
          parts.bus.publish({ source: entry.Source, detailType: entry.DetailType, detail: entry.Detail });
          return { EventId: parts.bus.published.at(-1)!.id };
        });
        return send(res, 200, { FailedEntryCount: 0, Entries: entries }, 'application/x-amz-json-1.1');
      }
      const matched = parts.routes.flatMap((r) => {
        const pathParameters = r.method === method ? matchPath(r.path, url.pathname) : undefined;
        return pathParameters ? [{ route: r, pathParameters }] : [];
      })[0];
      if (matched) {
        const { route, pathParameters } = matched;
        // A webhook taken while a dependency is down would be answered 200 and then lost: refuse it instead.
        const health = await parts.health();
        if (!health.healthy) {
          res.setHeader('retry-after', '5');
          return send(res, 503, { error: `not accepting webhooks while ${health.down.join(', ')} ${health.down.length > 1 ? 'are' : 'is'} down`, down: health.down });
        }
        const event = httpApiEvent({ method, path: url.pathname, routePath: route.path, pathParameters, query: rawQueryString(req.url ?? ''), headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' });
        const result = await route.handler(event, lambdaContext(route.functionName, route.timeoutSeconds));
        res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
        // As API Gateway does: a base64 body (an image) goes out as its bytes.
        return void res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
      }
      if (method === 'POST' && url.pathname === '/local/events') {
        const parsed = parseJson(localEvent, body);
        if (!parsed.ok) return send(res, 400, { error: parsed.error });
        return send(res, 202, { deliveredTo: parts.bus.publish(parsed.value) });
      }
      const schedule = /^\/local\/schedules\/([^/]+)$/.exec(url.pathname);
      if (method === 'POST' && schedule) {
        const name = safelyDecoded(schedule[1]!);
        if (name === undefined) return send(res, 400, { error: 'schedule name is not valid percent-encoding' });
        if (await parts.scheduler.fire(name)) return send(res, 200, { fired: name, at: parts.clock.now().toISOString() });
        return send(res, 404, { error: `no schedule named ${name}`, schedules: parts.scheduler.names() });
      }
      if (method === 'GET' && url.pathname === '/local/clock') {
        return send(res, 200, { now: parts.clock.now().toISOString() });
      }
      if (method === 'PUT' && url.pathname === '/local/clock') {
        const parsed = parseJson(clockSetting, body);
        if (!parsed.ok) return send(res, 400, { error: `${parsed.error} (expected {"now": "<ISO-8601>"} or {"now": null})` });
        setClock(parsed.value.now === null ? null : new Date(parsed.value.now));
        return send(res, 200, { now: parts.clock.now().toISOString() });
      }
      if (method === 'GET' && url.pathname === '/local/events') {
        return send(res, 200, parts.bus.published);
      }
      if (method === 'GET' && url.pathname === '/local/report') {
        const asked = { from: url.searchParams.get('from') ?? undefined, to: url.searchParams.get('to') ?? undefined };
        const period = reportPeriod(Object.fromEntries(Object.entries(asked).filter(([, value]) => value !== undefined)), parts.clock.now());
        if ('error' in period) return send(res, 400, { error: period.error });
        return send(res, 200, await parts.report(period.from, period.to, url.searchParams.get('program') ?? undefined));
      }
      if (method === 'GET' && url.pathname === '/local/outbox') {
        return send(res, 200, parts.outbox().map(({ to, from, body: text, mediaUrl, status, time, sid, validityPeriod }) => ({ sid, to, from, body: text, mediaUrl, status, time, ...(validityPeriod !== undefined ? { validityPeriod } : {}) })));
      }
      return send(res, 404, { error: `no route ${method} ${url.pathname}` });
    } catch (error) {
      onError(error);
      if (!res.headersSent) send(res, 500, { error: 'internal error, see the gateway log' });
    }
  };
}
