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
  messagingServiceSid?: string;
  /** ValidityPeriod as asked for (seconds the carrier may keep it queued), when the request set one. */
  validityPeriod?: number;
}
/** An error answer: the carrier did not take the message. */
export interface CarrierFailure { httpStatus: number; code: number; message: string }
/**
 * A fault a real carrier shows now and then: an error answer, or no answer at all — the request hangs
 * or the connection is reset — either before the message was taken (`accepted: false`) or after.
 */
export type CarrierFault =
  | ({ kind: 'error' } & CarrierFailure)
  | { kind: 'hang'; accepted: boolean }
  | { kind: 'reset'; accepted: boolean };
/** One request to create a message, whatever became of it. */
export interface CarrierAttempt { to: string; body: string; time: string; fault?: CarrierFault['kind']; accepted: boolean }
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
  failNext(to: string, failure: CarrierFailure | CarrierFault, times?: number): void;
  /** A fault plan consulted for every create request (after failNext); undefined clears it. */
  setFaults(plan: ((request: { to: string; body: string }) => CarrierFault | undefined) | undefined): void;
  /** Every create request received, oldest first. */
  attempts(): CarrierAttempt[];
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

/** A message as Twilio's API shows it. */
function messageResource(accountSid: string, entry: OutboxEntry): Record<string, unknown> {
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${entry.sid}`;
  const created = rfc2822(new Date(entry.time));
  return {
    account_sid: accountSid, api_version: API_VERSION, body: entry.body, date_created: created, date_sent: entry.status === 'queued' ? null : created,
    date_updated: created, direction: 'outbound-api', error_code: entry.errorCode ?? null, error_message: null, from: entry.from,
    messaging_service_sid: entry.messagingServiceSid ?? null, num_media: String(entry.mediaUrl.length), num_segments: String(segments(entry.body)),
    price: null, price_unit: 'USD', sid: entry.sid, status: entry.status, to: entry.to, uri: `${uri}.json`,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
  };
}

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
  let attempts: CarrierAttempt[] = [];
  const failures = new Map<string, CarrierFault[]>();
  let faultPlan: ((request: { to: string; body: string }) => CarrierFault | undefined) | undefined;
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
    const validity = form.get('ValidityPeriod');
    const validityPeriod = validity === null ? undefined : Number(validity);
    if (validityPeriod !== undefined && !(Number.isInteger(validityPeriod) && validityPeriod >= 1 && validityPeriod <= 36_000)) {
      return send(res, 400, errorBody(400, 21624, 'Invalid validity period value'));
    }

    const fault = failures.get(to)?.shift() ?? faultPlan?.({ to, body });
    const attempt: CarrierAttempt = { to, body, time: now().toISOString(), accepted: !fault || fault.kind !== 'error' && fault.accepted, ...(fault ? { fault: fault.kind } : {}) };
    attempts.push(attempt);
    if (fault?.kind === 'error') return send(res, fault.httpStatus, errorBody(fault.httpStatus, fault.code, fault.message));
    if (fault && !fault.accepted) return void (fault.kind === 'reset' ? req.socket.destroy() : undefined);

    const sid = 'SM' + randomBytes(16).toString('hex');
    const created = now();
    const entry: OutboxEntry = { sid, to, from: from ?? serviceSid ?? '', body, mediaUrl, status: 'queued', time: created.toISOString(), ...(serviceSid ? { messagingServiceSid: serviceSid } : {}), ...(validityPeriod !== undefined ? { validityPeriod } : {}) };
    entries.push(entry);
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind !== 'hang') send(res, 201, messageResource(accountSid, entry));
    if (statusCallbacks) {
      const p = progress(entry, form.get('StatusCallback') ?? undefined).catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }

  /** GET Messages.json: the newest first, filtered by To and From, one page (PageSize, default 50). */
  function listMessages(req: http.IncomingMessage, res: http.ServerResponse, pathSid: string, query: URLSearchParams): void {
    if (pathSid !== accountSid || !isAuthorized(req.headers.authorization, accountSid, authToken)) {
      return send(res, 401, errorBody(401, 20003, 'Authenticate'));
    }
    const to = query.get('To');
    const from = query.get('From');
    const pageSize = Math.min(1000, Number(query.get('PageSize') ?? 50) || 50);
    const matching = entries.filter((e) => (!to || e.to === to) && (!from || e.from === from)).reverse().slice(0, pageSize);
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
    send(res, 200, {
      messages: matching.map((entry) => messageResource(accountSid, entry)),
      first_page_uri: uri, next_page_uri: null, previous_page_uri: null, page: 0, page_size: pageSize, start: 0, end: Math.max(0, matching.length - 1), uri,
    });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = MESSAGES_PATH.exec(url.pathname);
    if (match && req.method === 'GET') return listMessages(req, res, decodeURIComponent(match[1]!), url.searchParams);
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
      const fault: CarrierFault = 'kind' in failure ? failure : { kind: 'error', ...failure };
      for (let i = 0; i < times; i++) queue.push({ ...fault });
      failures.set(to, queue);
    },
    setFaults(plan) {
      faultPlan = plan;
    },
    attempts: () => attempts.map((attempt) => ({ ...attempt })),
    clear() {
      entries = [];
      attempts = [];
      failures.clear();
      faultPlan = undefined;
    },
    async close() {
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([stopped, ...pending]);
    },
  };
}
