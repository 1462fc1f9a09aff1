import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import twilio from 'twilio';
import { ACCOUNT_SID, AUTH_TOKEN, GatewayHarness, newPhone, SHORT_CODE } from '../support/gateway-harness';

/**
 * Thousands of webhooks, well-formed and not, against one local gateway. Every request is drawn from
 * a seeded generator: a failure names its seed and case number, and FUZZ_SEED=<seed> replays it.
 *
 * 1. Requests that must write nothing (unsigned, wrongly signed, signed but malformed, oversized,
 *    wrong method or path): each gets its exact 4xx, and the audience table and the inbound queue are
 *    the same afterwards.
 * 2. Signed, well-formed messages and status callbacks from a handful of senders, full of odd but
 *    valid input: each is accepted, and every accepted text is in its sender's message log as sent
 *    (lone surrogates replaced with U+FFFD).
 */

jest.setTimeout(180_000);

const SEED = Number(process.env.FUZZ_SEED ?? 20260524);
const MUST_NOT_WRITE_CASES = 1800;
const ACCEPTED_CASES = 250;
const CONCURRENCY = 16;
const SENDERS = 5;
const KB = 1024;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  hex(length: number): string {
    return Array.from({ length }, () => this.int(0, 15).toString(16)).join('');
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One piece of text from every corner of Unicode a phone (or an attacker) might send. */
function unicodePiece(r: Random): string {
  const piece = r.int(0, 13);
  switch (piece) {
    case 0: return r.pick(['KRUSTY', 'STOP', 'HELP', 'START', 'YES', 'SKIP', '62701', 'krusty burger', 'stop texting me', '5']);
    case 1: return String.fromCharCode(r.int(0x20, 0x7e));
    case 2: return r.pick(['🍔', '👋🏽', '👨‍👩‍👧', '🇺🇸', '🍟', '😀']);
    case 3: return String.fromCodePoint(r.int(0x10000, 0x10ffff));
    case 4: return String.fromCharCode(r.int(0xd800, 0xdbff)); // lone high surrogate
    case 5: return String.fromCharCode(r.int(0xdc00, 0xdfff)); // lone low surrogate
    case 6: return r.pick(['\uFFFE', '\uFFFF', '\uFEFF', '\uFFFD']);
    case 7: return r.pick(['\u200F', '\u202E', '\u202B', '\u2066', '\u061C', 'مرحبا', 'שלום']);
    case 8: return String.fromCharCode(r.int(0, 0x1f));
    case 9: return r.pick(['ＳＴＯＰ', 'ＫＲＵＳＴＹ', '１２３', 'é', 'e\u0301', 'ß', 'İ', 'ﬁ']);
    case 10: return String.fromCharCode(r.int(0xa0, 0xd7ff));
    case 11: return String.fromCharCode(r.int(0xe000, 0xf8ff)); // private use
    case 12: return r.pick(['%', '%%', '%ZZ', '%E0%A4', '+', '&', '=', '&&=', '\\u0000', '"\'<>']);
    default: return ' ';
  }
}

function randomText(r: Random, maxPieces: number): string {
  return Array.from({ length: r.int(0, maxPieces) }, () => unicodePiece(r)).join('');
}

/** Numbers in every format JavaScript's Number() reads as a whole number of media. */
const VALID_NUM_MEDIA = ['0', '00', ' 1', '1.0', '0x1', '', '+2', '1e1', '3 ', '0.0', '-0'];
const INVALID_NUM_MEDIA = ['abc', '-1', '1.5', '1e400', 'NaN', 'Infinity', '1_000', '0b', '9007199254740993', '١'];
const INVALID_ERROR_CODES = ['abc', '1.5', '1e400', 'NaN', 'Infinity', '0b'];
const INVALID_FROM = ['abc', '12', '+', '++1', '😀😀😀', 'NaN', '+1-', 'null', '+9999999999999999999', 'SM00'];

type Fields = [string, string][];

/** How a phone number may be written in From: every one of them is the same E.164 number. */
function writtenAs(r: Random, e164: string): string {
  const digits = e164.slice(2);
  const [area, exchange, line] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return r.pick([e164, `(${area}) ${exchange}-${line}`, `${area}.${exchange}.${line}`, `1 ${area} ${exchange} ${line}`, ` ${e164} `, `+1-${area}-${exchange}-${line}`]);
}

const READ_FIELDS = new Set(['MessageSid', 'AccountSid', 'From', 'To', 'Body', 'NumMedia', 'MessageStatus', 'ErrorCode']);

/** Fields Twilio may add and fields nobody should: never one the webhooks read. */
function junkFields(r: Random): Fields {
  const names = ['SmsSid', 'SmsMessageSid', 'NumSegments', 'ApiVersion', 'FromCity', 'FromState', 'FromZip', 'MessagingServiceSid', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];
  const fields = Array.from({ length: r.int(0, 5) }, (): [string, string] => [r.chance(0.7) ? r.pick(names) : randomText(r, 4), randomText(r, 8)]);
  return fields.filter(([name]) => !READ_FIELDS.has(name));
}

/** A query string in URLSearchParams' encoding, which fetch sends exactly as written (so it is what was signed). */
function queryString(r: Random): string {
  return `?${new URLSearchParams([...junkFields(r), ['campaign', randomText(r, 3)]])}`;
}

function messageFields(r: Random, from: string, body: string): Fields {
  const fields: Fields = [
    ['MessageSid', newMessageSid(r)],
    ['AccountSid', ACCOUNT_SID],
    ['From', from],
    ['To', r.pick([SHORT_CODE, ` ${SHORT_CODE}`, '+15555550000'])],
    ['Body', body],
    ['NumMedia', r.pick(VALID_NUM_MEDIA)],
    ...junkFields(r),
  ];
  // Twilio's field order is not part of the contract.
  return r.chance(0.3) ? fields.reverse() : fields;
}

function newMessageSid(r: Random): string {
  return `${r.pick(['SM', 'MM'])}${r.hex(32)}`;
}

/** Form encodings a client may use: URLSearchParams (+ for space), encodeURIComponent (%20), lower-case escapes. */
function encodeForm(r: Random, fields: Fields): string {
  const style = r.int(0, 2);
  if (style === 0) return new URLSearchParams(fields).toString();
  // encodeURIComponent throws on a lone surrogate; URLSearchParams (and every UTF-8 encoder) writes U+FFFD.
  const encoded = fields.map(([name, value]) => `${encodeURIComponent(name.replace(LONE_SURROGATE, '\uFFFD'))}=${encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'))}`).join('&');
  return style === 1 ? encoded : encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/** What the wire carries, decoded the way any form parser must (the WHATWG urlencoded parser). */
function decodedForm(body: string | Buffer): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  const form = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    // A copy: twilio tests `instanceof Array`, and under jest Node's own arrays come from another realm.
    Object.defineProperty(params, name, { value: values.length > 1 ? [...values] : values[0], enumerable: true });
  }
  return params;
}

function sign(url: string, body: string | Buffer, token = AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, url, decodedForm(body));
}

interface FuzzCase {
  index: number;
  description: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  expected: number;
  /** For accepted texts: whose log it lands in, under which MessageSid, with which body. */
  logged?: { phone: string; messageSid: string; body: string };
}

const FORM = 'application/x-www-form-urlencoded';
/** Bodies over the local server's 1 MB are slices of this one buffer. */
const OVERSIZED = Buffer.alloc(1536 * KB, 'Body=%E9&');

/** Requests that must be refused with exactly `expected` and must write nothing. */
function refusedCase(r: Random, index: number, publicUrl: string): FuzzCase {
  const victim = `+1555${r.int(2000000, 2999999)}`;
  const path = r.pick(['/sms', '/sms/status']);
  const query = r.chance(0.2) ? queryString(r) : '';
  const url = `${publicUrl}${path}${query}`;
  const message = () => encodeForm(r, path === '/sms' ? messageFields(r, victim, randomText(r, 20)) : statusFields(r, victim));
  const base = { index, method: 'POST', path: `${path}${query}` };
  const kind = r.int(0, 12);
  switch (kind) {
    case 0: {
      const body = message();
      return { ...base, description: 'unsigned message', headers: { 'content-type': FORM }, body, expected: 403 };
    }
    case 1: {
      const body = message();
      const wrong = r.pick([
        () => Buffer.from(r.hex(40), 'hex').toString('base64'),
        () => sign(url, body, 'not-the-token'),
        () => sign(url.replace(/:\d+/, ''), body),
        () => sign(`${publicUrl}${path}/`, body),
        () => sign(url.replace('http://', 'https://'), body),
        () => sign(`${publicUrl}${path === '/sms' ? '/sms/status' : '/sms'}${query}`, body),
        () => sign(url, `${body}&Extra=1`),
        () => sign(url, body).slice(0, 27),
        () => sign(url, body).toLowerCase(),
        () => `${sign(url, body)}, ${sign(url, body)}`,
        () => '',
        () => 'é'.repeat(28),
      ])();
      return { ...base, description: `wrongly signed message (${wrong.slice(0, 12)}…)`, headers: { 'content-type': FORM, 'x-twilio-signature': wrong }, body, expected: 403 };
    }
    case 2: {
      const body = r.pick([() => JSON.stringify({ From: victim, Body: randomText(r, 10) }), () => randomText(r, 40), () => Buffer.from(Array.from({ length: r.int(0, 200) }, () => r.int(0, 255))), () => '', () => '=', () => '&&&', () => '%', () => '%E0%A4%A']);
      return { ...base, description: 'unsigned junk body', headers: { 'content-type': r.pick([FORM, 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream']) }, body: body(), expected: 403 };
    }
    case 3: {
      const body = JSON.stringify({ Entries: [{ Source: 'pos', DetailType: 'PurchaseCompleted', Detail: JSON.stringify({ phone: victim, orderId: `fuzz-${index}`, total: 1, currency: 'USD' }) }] });
      return { ...base, path: '/sms', description: 'unsigned PutEvents aimed at /sms', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' }, body, expected: 403 };
    }
    case 4: {
      const body = `${message()}&Padding=${'x'.repeat(r.int(65, 900) * KB)}`;
      const signed = r.chance(0.5);
      return { ...base, description: `${signed ? 'signed' : 'unsigned'} webhook over 64 KB`, headers: { 'content-type': FORM, ...(signed ? { 'x-twilio-signature': sign(url, body) } : {}) }, body, expected: 413 };
    }
    case 5: {
      const body = OVERSIZED.subarray(0, r.int(1025, OVERSIZED.length / KB) * KB);
      return { ...base, description: 'body over the local server\'s 1 MB', headers: { 'content-type': FORM }, body, expected: 413 };
    }
    case 6: {
      if (path === '/sms/status') {
        const fields = statusFields(r, victim);
        const broken = r.pick<() => Fields>([
          () => {
            const dropped = r.pick(['MessageSid', 'MessageStatus', 'To']);
            return fields.filter(([name]) => name !== dropped);
          },
          () => fields.map(([name, value]): [string, string] => [name, name === 'MessageStatus' ? r.pick(['exploded', 'DELIVERED', '', `${randomText(r, 3)}x`]) : value]),
          () => [...fields.filter(([name]) => name !== 'ErrorCode'), ['ErrorCode', r.pick(INVALID_ERROR_CODES)]],
          () => fields.map(([name, value]): [string, string] => [name, name === 'To' ? r.pick(INVALID_FROM) : value]),
          () => [...fields, [r.pick(['MessageSid', 'MessageStatus', 'To']), randomText(r, 5)]],
        ])();
        const body = encodeForm(r, broken);
        return { ...base, description: 'signed malformed status callback', headers: { 'content-type': FORM, 'x-twilio-signature': sign(url, body) }, body, expected: 400 };
      }
      const fields = messageFields(r, victim, randomText(r, 10));
      const replace = (field: string, value: string) => fields.map(([name, old]): [string, string] => [name, name === field ? value : old]);
      const broken = r.pick<() => Fields>([
        () => {
          const dropped = r.pick(['MessageSid', 'AccountSid', 'From', 'To']);
          return fields.filter(([name]) => name !== dropped);
        },
        () => replace('MessageSid', r.pick(['', 'SM123', `XX${r.hex(32)}`, `SM${r.hex(31)}`, `SM${r.hex(32)}0`, `sm${r.hex(32)}`])),
        () => replace('AccountSid', r.pick(['', `AC${r.hex(31)}z`, `ac${r.hex(32)}`])),
        () => replace('From', r.pick(INVALID_FROM)),
        () => replace('To', r.pick(INVALID_FROM)),
        () => replace('NumMedia', r.pick(INVALID_NUM_MEDIA)),
        () => replace('Body', r.pick(['🍔'.repeat(1601), 'x'.repeat(1601)])),
        () => [...fields, [r.pick(['MessageSid', 'AccountSid', 'From', 'To', 'Body', 'NumMedia']), randomText(r, 5)]],
      ])();
      const body = encodeForm(r, broken);
      return { ...base, description: 'signed malformed message', headers: { 'content-type': FORM, 'x-twilio-signature': sign(url, body) }, body, expected: 400 };
    }
    case 7: {
      const body = r.chance(0.5) ? message() : JSON.stringify(Object.fromEntries(messageFields(r, victim, randomText(r, 5))));
      const contentType = r.pick(['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencodedx', 'text/xml', '']);
      return { ...base, description: `signed, content-type "${contentType}"`, headers: { ...(contentType ? { 'content-type': contentType } : {}), 'x-twilio-signature': sign(url, body) }, body, expected: 415 };
    }
    case 8: {
      const method = r.pick(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      const randomPath = r.pick([path, '/SMS', '/sms/', '/sms/status/x', '/Sms/Status', `/fuzz/${encodeURIComponent(randomText(r, 3).replace(LONE_SURROGATE, ''))}`, '/fuzz/%ZZ', '/fuzz/%E0%A4%A', '/sms%2Fstatus', '/sms;x', '//sms', '/fuzz/..%2F..%2Fetc', `/sms${query || '?a=%'}`]);
      const body = ['GET', 'HEAD'].includes(method) ? undefined : message();
      return { ...base, method, path: randomPath, description: `${method} ${randomPath}`, headers: { 'content-type': FORM, 'x-twilio-signature': body ? sign(`${publicUrl}${randomPath}`, body) : 'x' }, ...(body === undefined ? {} : { body }), expected: 404 };
    }
    case 9: {
      const randomPath = r.pick(['/', '/fuzz', '/sms/statuses', '/smss', `/fuzz/${r.hex(8)}`]);
      const body = message();
      return { ...base, path: randomPath, description: `signed POST ${randomPath}`, headers: { 'content-type': FORM, 'x-twilio-signature': sign(`${publicUrl}${randomPath}`, body) }, body, expected: 404 };
    }
    case 10: {
      // A form whose fields are signed and correct but which Twilio would never send: empty, a lone = or &, broken escapes.
      const body = r.pick(['', '=', '&', '&&', '%', '%%', 'Body=%E0%A4%A', 'a', `From=${victim}`]);
      return { ...base, description: `signed tiny body ${JSON.stringify(body)}`, headers: { 'content-type': FORM, 'x-twilio-signature': sign(url, body) }, body, expected: 400 };
    }
    case 11: {
      const body = message();
      const header = r.pick(['x-twilio-signature', 'X-Twilio-Signature-2', 'twilio-signature', 'x-twilio-signatures']);
      return { ...base, description: `signature in header ${header}`, headers: { 'content-type': FORM, ...(header === 'x-twilio-signature' ? {} : { [header]: sign(url, body) }) }, body, expected: 403 };
    }
    default: {
      // Signed, then changed on the way: what arrives is not what was signed.
      const fields = path === '/sms' ? messageFields(r, victim, `${randomText(r, 6)}x`) : statusFields(r, victim);
      const body = encodeForm(r, fields);
      const tampered = encodeForm(r, fields.map(([name, value]): [string, string] => [name, name === 'Body' ? 'STOP' : name === 'MessageStatus' ? 'canceled' : value]));
      return { ...base, description: 'tampered after signing', headers: { 'content-type': FORM, 'x-twilio-signature': sign(url, body) }, body: tampered, expected: 403 };
    }
  }
}

const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read'] as const;

function statusFields(r: Random, to: string): Fields {
  return [
    ['MessageSid', newMessageSid(r)],
    ['MessageStatus', r.pick(STATUSES)],
    ['To', to],
    ['From', SHORT_CODE],
    ['AccountSid', ACCOUNT_SID],
    ...(r.chance(0.3) ? ([['ErrorCode', r.pick(['30003', '30005', ' 21610', '0x7531', ''])]] as Fields) : []),
    ...junkFields(r),
  ];
}

/** Signed, well-formed webhooks from a few senders, full of odd but valid input. */
function acceptedCase(r: Random, index: number, publicUrl: string, senders: string[]): FuzzCase {
  const phone = r.pick(senders);
  const query = r.chance(0.15) ? queryString(r) : '';
  if (r.chance(0.15)) {
    const body = encodeForm(r, statusFields(r, writtenAs(r, phone)));
    const url = `${publicUrl}/sms/status${query}`;
    return { index, description: 'signed status callback', method: 'POST', path: `/sms/status${query}`, headers: { 'content-type': FORM, 'x-twilio-signature': sign(url, body) }, body, expected: 204 };
  }
  const text = r.chance(0.02) ? '🍟'.repeat(1600) : randomText(r, 30);
  const fields = messageFields(r, writtenAs(r, phone), text);
  const body = encodeForm(r, fields);
  const url = `${publicUrl}/sms${query}`;
  const messageSid = fields.find(([name]) => name === 'MessageSid')![1];
  return {
    index,
    description: 'signed message',
    method: 'POST',
    path: `/sms${query}`,
    headers: { 'content-type': r.pick([FORM, `${FORM}; charset=UTF-8`, 'Application/X-WWW-Form-URLEncoded']), 'x-twilio-signature': sign(url, body), ...(r.chance(0.1) ? { 'x-amz-target': 'AWSEvents.PutEvents' } : {}) },
    body,
    expected: 200,
    logged: { phone, messageSid, body: text.replace(LONE_SURROGATE, '\uFFFD') },
  };
}

interface Outcome {
  fuzzCase: FuzzCase;
  status: number;
}

async function send(gatewayUrl: string, fuzzCase: FuzzCase): Promise<Outcome> {
  const response = await fetch(`${gatewayUrl}${fuzzCase.path}`, {
    method: fuzzCase.method,
    headers: fuzzCase.headers,
    ...(fuzzCase.body === undefined ? {} : { body: fuzzCase.body }),
  });
  await response.arrayBuffer();
  return { fuzzCase, status: response.status };
}

async function sendAll(gatewayUrl: string, cases: FuzzCase[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let start = 0; start < cases.length; start += CONCURRENCY) {
    outcomes.push(...(await Promise.all(cases.slice(start, start + CONCURRENCY).map((fuzzCase) => send(gatewayUrl, fuzzCase)))));
  }
  return outcomes;
}

/** The outcomes that fail `ok`, counted, the first 20 described well enough to replay. */
function failures(seed: number, outcomes: Outcome[], ok: (outcome: Outcome) => boolean): { count: number; first: string[] } {
  const failed = outcomes.filter((outcome) => !ok(outcome));
  return {
    count: failed.length,
    first: failed
      .slice(0, 20)
      .map(({ fuzzCase, status }) => `seed ${seed} case ${fuzzCase.index}: ${fuzzCase.description}, ${fuzzCase.method} ${fuzzCase.path.slice(0, 60)} → ${status}, expected ${fuzzCase.expected}`),
  };
}

const NONE = { count: 0, first: [] };

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

async function audienceItemCount(): Promise<number> {
  let count = 0;
  let after: Record<string, unknown> | undefined;
  do {
    const page = await harness.db.send(new ScanCommand({ TableName: harness.gateway.tables.audience, Select: 'COUNT', ConsistentRead: true, ...(after ? { ExclusiveStartKey: after } : {}) }));
    count += page.Count ?? 0;
    after = page.LastEvaluatedKey;
  } while (after);
  return count;
}

describe(`webhook fuzz (seed ${SEED})`, () => {
  test(`${MUST_NOT_WRITE_CASES} unsigned, wrongly signed, malformed, oversized and misrouted requests: each its 4xx, nothing written`, async () => {
    // Prepare
    const r = new Random(SEED);
    const cases = Array.from({ length: MUST_NOT_WRITE_CASES }, (_, index) => refusedCase(r, index, harness.gateway.publicUrl));
    const itemsBefore = await audienceItemCount();
    const queuedBefore = await harness.queueDepth('inbound');

    // Act
    const outcomes = await sendAll(harness.gateway.url, cases);

    // Assess
    // Queue first: receive-sms queues before it answers, and converse writes before it deletes, so a
    // text let through is either still on the queue or already in the table.
    const queuedAfter = await harness.queueDepth('inbound');
    const itemsAfter = await audienceItemCount();
    expect(failures(SEED, outcomes, ({ status }) => status < 500)).toEqual(NONE);
    expect(failures(SEED, outcomes, ({ fuzzCase, status }) => status === fuzzCase.expected)).toEqual(NONE);
    expect({ queued: queuedAfter, items: itemsAfter }).toEqual({ queued: queuedBefore, items: itemsBefore });
    expect(new Set(cases.map((c) => c.expected))).toEqual(new Set([400, 403, 404, 413, 415]));
  });

  test(`${ACCEPTED_CASES} signed, well-formed webhooks from ${SENDERS} senders: each accepted, every text logged as sent`, async () => {
    // Prepare
    const r = new Random(SEED + 1);
    const senders = Array.from({ length: SENDERS }, () => newPhone());
    const cases = Array.from({ length: ACCEPTED_CASES }, (_, index) => acceptedCase(r, index, harness.gateway.publicUrl, senders));

    // Act
    const outcomes = await sendAll(harness.gateway.url, cases);
    await harness.settle();

    // Assess
    expect(failures(SEED + 1, outcomes, ({ status }) => status < 500)).toEqual(NONE);
    expect(failures(SEED + 1, outcomes, ({ fuzzCase, status }) => status === fuzzCase.expected)).toEqual(NONE);
    const expected = cases.flatMap((c) => (c.logged ? [c.logged] : []));
    const logged = (await Promise.all(senders.map((phone) => harness.items(phone, 'MSG#'))))
      .flat()
      .filter((item) => item.direction === 'in')
      .map((item) => ({ phone: String(item.from), messageSid: String(item.sk).slice('MSG#'.length), body: item.body }));
    const byKey = (entry: { phone: string; messageSid: string }) => `${entry.phone} ${entry.messageSid}`;
    expect([...logged].sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual([...expected].sort((a, b) => byKey(a).localeCompare(byKey(b))));
  });
});
