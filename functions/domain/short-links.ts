/**
 * Short links: every http(s) URL in an outbound text becomes `{linkBase}/{id}`, one link per
 * recipient, message and place in the text, so a tap is counted (and attributed) before the
 * subscriber lands on the marketer's page, and copy costs the same few segments whatever the URL.
 *
 * The id is derived, not drawn: HMAC-SHA256 keyed by a stage secret over the message's id, the
 * recipient and the URL's place, so a send retried after a doubtful carrier call renders the very
 * same text (the sender recognises a lost send at the carrier by its body). Should the derived id
 * belong to another message already (a collision), the next candidate (`attempt` 1, 2…) is taken,
 * which a retry arrives at the same way, since its own link record is there by then.
 *
 * Ids are LINK_ID_LENGTH (8) characters of LINK_ID_ALPHABET (56 characters, nothing that reads as
 * another: no 0/O/o, 1/I/l): 56^8 ≈ 9.7 × 10^13 ids, about 46.5 bits. With ten million live links a
 * guessed id finds one about once in ten million tries, and what it finds is a marketing URL.
 */
import { createHmac } from 'node:crypto';
import type { MessagePurpose, OutboundMessage } from './audience';
import type { DomainEvent, MessageSource } from './events';
import type { Clock, EventPublisher, LinkStore } from './ports';

export const LINK_ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
export const LINK_ID_LENGTH = 8;
/** How long a link works (and its record is kept) when the stage does not say (LINK_TTL_DAYS). */
export const DEFAULT_LINK_TTL_DAYS = 90;
/** Candidates tried for one URL before giving up (each taken one a collision: practically never past the first). */
export const LINK_ID_ATTEMPTS = 4;

const LINK_ID = new RegExp(`^[${LINK_ID_ALPHABET}]{${LINK_ID_LENGTH}}$`);

/** True for something shaped like a link id: anything else is answered 404 without a look. */
export const isLinkId = (id: string): boolean => LINK_ID.test(id);

/** The key link ids are derived with, from a stage secret (the sender's carrier auth token): HMAC(secret, 'short-links'). */
export function shortLinkKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('short-links').digest();
}

/** The id of the URL at `index` in message `messageId` to `phone`; `attempt` > 0 after a collision. */
export function shortLinkId(key: Uint8Array, messageId: string, phone: string, index: number, attempt = 0): string {
  const digest = createHmac('sha256', key).update(`${messageId}\n${phone}\n${index}\n${attempt}`).digest();
  // 64 bits of the digest in base 56 (56^8 / 2^64 ≈ 5 × 10^-6: no character is measurably favoured).
  let value = digest.readBigUInt64BE(0);
  const base = BigInt(LINK_ID_ALPHABET.length);
  let id = '';
  for (let i = 0; i < LINK_ID_LENGTH; i += 1) {
    id += LINK_ID_ALPHABET[Number(value % base)];
    value /= base;
  }
  return id;
}

/** A URL found in a text: where it starts and ends (end exclusive). */
export interface FoundUrl {
  url: string;
  start: number;
  end: number;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/gi;
/** Punctuation that ends a sentence (or a quote) rather than a URL: "see https://x.com/a." */
const TRAILING = /[.,;:!?']$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Drops what ends the sentence around a URL: trailing punctuation, and a closing bracket the URL did not open. */
function trimmed(url: string): string {
  let result = url;
  for (;;) {
    const last = result.at(-1) ?? '';
    if (TRAILING.test(last)) {
      result = result.slice(0, -1);
      continue;
    }
    const opener = CLOSERS[last];
    if (opener && result.split(opener).length - 1 < result.split(last).length - 1) {
      result = result.slice(0, -1);
      continue;
    }
    return result;
  }
}

/** Every http(s) URL in a text, in order, without the punctuation that follows it. */
export function findUrls(text: string): FoundUrl[] {
  const found: FoundUrl[] = [];
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimmed(match[0]);
    // "https://" alone (or with only punctuation after it) is no link.
    if (!URL.canParse(url) || url.replace(/^https?:\/\//i, '').length === 0) continue;
    found.push({ url, start: match.index, end: match.index + url.length });
  }
  return found;
}

/** What a link's UTM tags say: the channel, the message's purpose, and what made it. */
export function utmTags(message: Pick<OutboundMessage, 'purpose' | 'programId' | 'source'>): Record<'utm_source' | 'utm_medium' | 'utm_campaign', string | undefined> {
  return {
    utm_source: 'sms',
    utm_medium: message.purpose,
    utm_campaign: message.source?.campaignId ?? message.source?.kind ?? message.programId,
  };
}

/**
 * The URL with the UTM tags it lacks appended (a tag the marketer set is kept as set). The rest of
 * the URL is kept byte for byte: its query is not re-encoded, its fragment stays last.
 */
export function withUtm(url: string, tags: Record<string, string | undefined>): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const present = new URLSearchParams(queryAt === -1 ? '' : beforeHash.slice(queryAt + 1));
  const added = Object.entries(tags)
    .filter(([name, value]) => value !== undefined && value !== '' && !present.has(name))
    .map(([name, value]) => `${name}=${encodeURIComponent(value!)}`);
  if (added.length === 0) return url;
  const joiner = queryAt === -1 ? '?' : beforeHash.endsWith('?') || beforeHash.endsWith('&') ? '' : '&';
  return `${beforeHash}${joiner}${added.join('&')}${fragment}`;
}

/** One short link's record: where it goes (UTM tags merged), and what it belongs to. */
export interface ShortLink {
  id: string;
  /** The URL the link redirects to: the text's URL with the UTM tags it lacked. */
  url: string;
  messageId: string;
  /** The URL's place among the text's URLs (0 first). */
  index: number;
  phone: string;
  programId?: string;
  purpose: MessagePurpose;
  source?: MessageSource;
  createdAt: string;
  /** Epoch seconds after which the link answers 404 (and DynamoDB deletes it). */
  expiresAt: number;
}

/** How the sender rewrites URLs: where links point, the key ids are derived with, and how long they work. */
export interface LinkSettings {
  base: string;
  key: Uint8Array;
  ttlDays: number;
}

/** The URLs of a text that become short links: not those already pointing at the link base (a text shortened before). */
export function urlsToShorten(body: string, base: string): FoundUrl[] {
  const prefix = `${base.replace(/\/+$/, '')}/`;
  return findUrls(body).filter((found) => !found.url.startsWith(prefix));
}

/** The link records a text's URLs need (first candidates), at `at`; none for a text without a URL. */
export function plannedLinks(messageId: string, message: OutboundMessage, settings: LinkSettings, at: Date): ShortLink[] {
  const tags = utmTags(message);
  const createdAt = at.toISOString();
  const expiresAt = Math.floor(at.getTime() / 1000) + settings.ttlDays * 24 * 3600;
  return urlsToShorten(message.body, settings.base).map((found, index) => ({
    id: shortLinkId(settings.key, messageId, message.to, index),
    url: withUtm(found.url, tags),
    messageId,
    index,
    phone: message.to,
    ...(message.programId ? { programId: message.programId } : {}),
    purpose: message.purpose,
    ...(message.source ? { source: message.source } : {}),
    createdAt,
    expiresAt,
  }));
}

/** The text with its URLs replaced by these links (in order: the links of `plannedLinks`, ids as saved). */
export function shortenedBody(body: string, base: string, links: Pick<ShortLink, 'id'>[]): string {
  const root = base.replace(/\/+$/, '');
  const found = urlsToShorten(body, base);
  if (found.length !== links.length) throw new Error(`expected ${found.length} link(s) for the text, got ${links.length}`);
  let result = '';
  let from = 0;
  found.forEach((url, index) => {
    result += `${body.slice(from, url.start)}${root}/${links[index]!.id}`;
    from = url.end;
  });
  return result + body.slice(from);
}

/**
 * A text as a marketer's copy is measured (segments, price): every URL as a short link would read.
 * `base` is the stage's link base; the id is a placeholder of the real length.
 */
export function withSampleLinks(text: string, base: string): string {
  const found = urlsToShorten(text, base);
  return shortenedBody(text, base, found.map(() => ({ id: 'x'.repeat(LINK_ID_LENGTH) })));
}

/**
 * The text as it goes to the carrier, its links saved first: each URL's first candidate id, or the
 * next one where another message's link holds it. A text without a URL is itself, at no request.
 */
export async function shortenLinks(messageId: string, message: OutboundMessage, settings: LinkSettings, store: Pick<LinkStore, 'save'>, at: Date): Promise<string> {
  const planned = plannedLinks(messageId, message, settings, at);
  if (planned.length === 0) return message.body;
  const saved = await Promise.all(
    planned.map(async (link) => {
      for (let attempt = 0; attempt < LINK_ID_ATTEMPTS; attempt += 1) {
        const candidate = attempt === 0 ? link : { ...link, id: shortLinkId(settings.key, messageId, message.to, link.index, attempt) };
        if ((await store.save(candidate)) === 'saved') return candidate;
      }
      throw new Error(`no free short link id for URL ${link.index} of message ${messageId} after ${LINK_ID_ATTEMPTS} candidates`);
    }),
  );
  return shortenedBody(message.body, settings.base, saved);
}

/** What a tap on a link is answered with: the redirect to its URL, or "no such link". */
export type Followed = { kind: 'redirect'; url: string; unique: boolean } | { kind: 'not-found' };

/**
 * A tap on `{linkBase}/{id}`: counted on the link (its first counts as unique) and published as
 * LinkClicked, one event per click (its id names the click's number on the link). A malformed id is
 * not looked up; an unknown or expired one is "not found".
 */
export async function followLink(
  id: string,
  deps: {
    links: Pick<LinkStore, 'click'>;
    events: EventPublisher;
    clock: Clock;
    /** The click is counted but its event could not be published: the subscriber still gets their page. */
    onUnpublished?: (error: unknown) => void;
  },
): Promise<Followed> {
  if (!isLinkId(id)) return { kind: 'not-found' };
  const at = deps.clock.now();
  const link = await deps.links.click(id, at);
  if (!link) return { kind: 'not-found' };
  const unique = link.clicks === 1;
  try {
    await deps.events.publish([linkClicked(link, unique, at)]);
  } catch (error) {
    deps.onUnpublished?.(error);
  }
  return { kind: 'redirect', url: link.url, unique };
}

export function linkClicked(link: Pick<ShortLink, 'id' | 'phone' | 'programId' | 'messageId' | 'source'> & { clicks: number }, unique: boolean, at: Date): DomainEvent {
  return {
    type: 'LinkClicked',
    id: `click:${link.id}:${link.clicks}`,
    at: at.toISOString(),
    detail: {
      phone: link.phone,
      ...(link.programId ? { programId: link.programId } : {}),
      linkId: link.id,
      messageId: link.messageId,
      unique,
      ...(link.source ? { source: link.source } : {}),
    },
  };
}

/** The link base copy is measured with when the stage's is not known: about as long as a custom domain's. */
export const SAMPLE_LINK_BASE = 'https://sms.example.com/l';
