import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export interface OutboxEntry {
  sid: string;
  to: string;
  from: string;
  body: string;
  mediaUrl: string[];
  status: string;
  time: string;
  errorCode?: number;
}
export interface CarrierFailure { httpStatus: number; code: number; message: string }
export interface SandboxCarrierOptions {
  accountSid: string;
  authToken: string;
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** When on (default), accepted messages progress to sent/delivered and StatusCallback URLs are called. */
  statusCallbacks?: boolean;
  now?: () => Date;
}
export interface SandboxCarrier {
  url: string;
  outbox(): OutboxEntry[];
  failNext(to: string, failure: CarrierFailure, times?: number): void;
  clear(): void;
  close(): Promise<void>;
}

const API_VERSION = '2010-04-01';
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const GSM7 = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXT = '\f^{}\\[~]|€';

/** Segment count as Twilio bills it: GSM-7 (160/153 per part, escapes cost 2) else UCS-2 (70/67). */
function segments(body: string): number {
  const chars = [...body];
  const gsm = chars.every((c) => GSM7.includes(c) || GSM7_EXT.includes(c));
  const units = gsm ? chars.reduce((n, c) => n + (GSM7_EXT.includes(c) ? 2 : 1), 0) : body.length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / multi);
}

/** Twilio's date format; deserializers in the SDK expect "+0000", not "GMT". */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

const errorBody = (status: number, code: number, message: string) =>
  ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });
}

function isAuthorized(header: string | undefined, accountSid: string, authToken: string): boolean {
  const [scheme, encoded] = (header ?? '').split(' ');
  if (scheme !== 'Basic' || !encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 && decoded.slice(0, i) === accountSid && decoded.slice(i + 1) === authToken;
}

function postForm(url: string, params: Record<string, string>, signature: string): Promise<void> {
  const payload = new URLSearchParams(params).toString();
  return new Promise((resolve) => {
    // agent:false → Connection: close, so neither side keeps sockets alive after the test.
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      timeout: 5000,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(payload), 'X-Twilio-Signature': signature },
    }, (res) => { res.resume().on('end', resolve).on('error', () => resolve()); });
    req.on('timeout', () => req.destroy()).on('error', () => resolve());
    req.end(payload);
  });
}

export async function startSandboxCarrier(options: SandboxCarrierOptions): Promise<SandboxCarrier> {
  const { accountSid, authToken, host = '127.0.0.1', statusCallbacks = true, now = () => new Date() } = options;
  let entries: OutboxEntry[] = [];
  const failures = new Map<string, CarrierFailure[]>();
  const pending = new Set<Promise<void>>();
  let closed = false;

  // Callbacks run after the 201 is written, like Twilio's; a dead receiver must not fail the send.
  async function progress(entry: OutboxEntry, callbackUrl: string | undefined): Promise<void> {
    for (const status of ['sent', 'delivered']) {
      await new Promise((r) => setImmediate(r));
      if (closed) return;
      entry.status = status;
      if (!callbackUrl) continue;
      const params = {
        MessageSid: entry.sid, SmsSid: entry.sid, MessageStatus: status, SmsStatus: status,
        AccountSid: accountSid, From: entry.from, To: entry.to, ApiVersion: API_VERSION,
      };
      await postForm(callbackUrl, params, twilio.getExpectedTwilioSignature(authToken, callbackUrl, params));
    }
  }

  async function createMessage(req: http.IncomingMessage, res: http.ServerResponse, pathSid: string): Promise<void> {
    if (pathSid !== accountSid || !isAuthorized(req.headers.authorization, accountSid, authToken)) {
      return send(res, 401, errorBody(401, 20003, 'Authenticate'));
    }
    const form = new URLSearchParams(await readBody(req));
    const to = form.get('To');
    const from = form.get('From');
    const serviceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const mediaUrl = form.getAll('MediaUrl');
    if (!to) return send(res, 400, errorBody(400, 21604, "A 'To' phone number is required."));
    if (!from && !serviceSid) return send(res, 400, errorBody(400, 21603, "A 'From' phone number is required."));
    if (!body && mediaUrl.length === 0) return send(res, 400, errorBody(400, 21602, 'Message body is required.'));

    const failure = failures.get(to)?.shift();
    if (failure) return send(res, failure.httpStatus, errorBody(failure.httpStatus, failure.code, failure.message));

    const sid = 'SM' + randomBytes(16).toString('hex');
    const created = now();
    const entry: OutboxEntry = { sid, to, from: from ?? serviceSid ?? '', body, mediaUrl, status: 'queued', time: created.toISOString() };
    entries.push(entry);
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}`;
    send(res, 201, {
      account_sid: accountSid, api_version: API_VERSION, body, date_created: rfc2822(created), date_sent: null,
      date_updated: rfc2822(created), direction: 'outbound-api', error_code: null, error_message: null, from,
      messaging_service_sid: serviceSid, num_media: String(mediaUrl.length), num_segments: String(segments(body)),
      price: null, price_unit: 'USD', sid, status: 'queued', to, uri: `${uri}.json`,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    });
    if (statusCallbacks) {
      const p = progress(entry, form.get('StatusCallback') ?? undefined).catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }

  const server = http.createServer((req, res) => {
    const match = MESSAGES_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method !== 'POST' || !match) {
      return send(res, 404, errorBody(404, 20404, `The requested resource ${req.url} was not found`));
    }
    createMessage(req, res, decodeURIComponent(match[1])).catch(() => {
      if (!res.headersSent) send(res, 500, errorBody(500, 20500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    outbox: () => entries.map((e) => ({ ...e, mediaUrl: [...e.mediaUrl] })),
    failNext(to, failure, times = 1) {
      const queue = failures.get(to) ?? [];
      for (let i = 0; i < times; i++) queue.push({ ...failure });
      failures.set(to, queue);
    },
    clear() {
      entries = [];
      failures.clear();
    },
    async close() {
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([stopped, ...pending]);
    },
  };
}
