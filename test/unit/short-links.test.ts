import type { OutboundMessage } from '../../functions/domain/audience';
import { measureSegments } from '../../functions/domain/segments';
import {
  findUrls,
  isLinkId,
  LINK_ID_ALPHABET,
  LINK_ID_LENGTH,
  plannedLinks,
  shortenedBody,
  shortenLinks,
  shortLinkId,
  shortLinkKey,
  withSampleLinks,
  withUtm,
  type ShortLink,
} from '../../functions/domain/short-links';

const KEY = shortLinkKey('auth-token');
const BASE = 'http://127.0.0.1:3000/l';
const AT = new Date('2026-11-24T15:30:00Z');
const message = (body: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  to: '+15551230001',
  from: '55155',
  body,
  purpose: 'marketing',
  programId: 'krusty-burger',
  ...extra,
});

describe('finding URLs in a text', () => {
  it.each([
    ['no URL', 'Reply STOP to opt out.', []],
    ['one URL', 'Menu: https://krusty.example/menu today', ['https://krusty.example/menu']],
    ['a full stop after it', 'See https://krusty.example/menu.', ['https://krusty.example/menu']],
    ['a comma, then another URL', 'https://a.example/x, or http://b.example/y!', ['https://a.example/x', 'http://b.example/y']],
    ['in brackets', 'Rules (https://krusty.example/rules) apply', ['https://krusty.example/rules']],
    ['brackets of its own', 'https://en.example/wiki/Burger_(food) is tasty', ['https://en.example/wiki/Burger_(food)']],
    ['a query string and a fragment', 'Go https://x.example/p?a=1&b=two%20words#top now', ['https://x.example/p?a=1&b=two%20words#top']],
    ['an apostrophe inside, a quote closing', "'https://x.example/intent?text=Moe's%20deals'", ["https://x.example/intent?text=Moe's%20deals"]],
    ['a scheme alone is no link', 'type https:// and a name', []],
    ['other schemes are left', 'Call tel:+15551234567 or mailto:a@b.example', []],
  ])('%s', (_case, text, urls) => {
    // Act
    const found = findUrls(text);
    // Assess
    expect(found.map((f) => f.url)).toEqual(urls);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.url);
  });
});

describe('UTM tags', () => {
  const tags = { utm_source: 'sms', utm_medium: 'marketing', utm_campaign: 'spring-menu' };
  it.each([
    ['a bare URL gets all three', 'https://x.example/menu', 'https://x.example/menu?utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu'],
    ['an existing query is kept byte for byte', 'https://x.example/p?text=a%20b+c', 'https://x.example/p?text=a%20b+c&utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu'],
    ['the fragment stays last', 'https://x.example/p#top', 'https://x.example/p?utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu#top'],
    ['the marketer\'s utm_campaign is kept', 'https://x.example/p?utm_campaign=own', 'https://x.example/p?utm_campaign=own&utm_source=sms&utm_medium=marketing'],
    ['all three set: unchanged', 'https://x.example/p?utm_source=a&utm_medium=b&utm_campaign=c', 'https://x.example/p?utm_source=a&utm_medium=b&utm_campaign=c'],
    ['a trailing "?" is not doubled', 'https://x.example/p?', 'https://x.example/p?utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu'],
  ])('%s', (_case, url, expected) => {
    // Act + Assess
    expect(withUtm(url, tags)).toBe(expected);
  });

  it.each([
    ['the campaign id first', { source: { kind: 'campaign', campaignId: 'spring-menu' } }, 'spring-menu'],
    ['else what made it', { source: { kind: 'review-request' } }, 'review-request'],
    ['else the program', {}, 'krusty-burger'],
  ])('utm_campaign: %s', (_case, extra, campaign) => {
    // Act
    const [link] = plannedLinks('m-1', message('https://x.example/a', { purpose: 'follow-up', ...extra }), { base: BASE, key: KEY, ttlDays: 90 }, AT);
    // Assess
    expect(link!.url).toBe(`https://x.example/a?utm_source=sms&utm_medium=follow-up&utm_campaign=${campaign}`);
  });
});

describe('link ids', () => {
  it('are 8 characters of an alphabet with nothing that reads as another', () => {
    // Act
    const ids = Array.from({ length: 500 }, (_, i) => shortLinkId(KEY, `msg-${i}`, '+15551230001', 0));
    // Assess
    expect(LINK_ID_ALPHABET).not.toMatch(/[0O1Il]/);
    for (const id of ids) expect(id).toMatch(new RegExp(`^[${LINK_ID_ALPHABET}]{${LINK_ID_LENGTH}}$`));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isLinkId)).toBe(true);
  });

  it.each([
    ['the same message, place and number: the same id', ['m-1', '+1555', 0, 0], ['m-1', '+1555', 0, 0], true],
    ['another message', ['m-1', '+1555', 0, 0], ['m-2', '+1555', 0, 0], false],
    ['another recipient', ['m-1', '+1555', 0, 0], ['m-1', '+1556', 0, 0], false],
    ['another place in the text', ['m-1', '+1555', 0, 0], ['m-1', '+1555', 1, 0], false],
    ['the next candidate after a collision', ['m-1', '+1555', 0, 0], ['m-1', '+1555', 0, 1], false],
  ] as const)('%s', (_case, a, b, same) => {
    // Act
    const [first, second] = [a, b].map(([messageId, phone, index, attempt]) => shortLinkId(KEY, messageId, phone, index, attempt));
    // Assess
    expect(first === second).toBe(same);
  });

  it('depend on the key: another stage secret, other ids', () => {
    // Act + Assess
    expect(shortLinkId(shortLinkKey('rotated'), 'm-1', '+1555', 0)).not.toBe(shortLinkId(KEY, 'm-1', '+1555', 0));
  });

  it.each([['short'], ['AbCdEfGh9'], ['AbCd0fGh'], ['AbCdlfGh'], ['../../etc'], ['']])('"%s" is not a link id', (id) => {
    // Act + Assess
    expect(isLinkId(id)).toBe(false);
  });
});

/** Saves into a map, as the link store does: a new id, or the same link again, is saved; another link's id is taken. */
class MapLinks {
  readonly saved = new Map<string, ShortLink>();
  async save(link: ShortLink): Promise<'saved' | 'taken'> {
    const there = this.saved.get(link.id);
    if (there && (there.messageId !== link.messageId || there.index !== link.index || there.phone !== link.phone)) return 'taken';
    if (!there) this.saved.set(link.id, link);
    return 'saved';
  }
}

describe('shortening a text', () => {
  const settings = { base: BASE, key: KEY, ttlDays: 90 };
  const id = `[${LINK_ID_ALPHABET}]{8}`;

  it.each([
    ['no URL: the text itself, nothing saved', 'Krusty Burger: $2 off today. Reply STOP to opt out.', /^Krusty Burger: \$2 off today\. Reply STOP to opt out\.$/, 0],
    ['two URLs, punctuation kept', 'Review https://g.example/r/x?a=1. Share (https://x.example/i?text=hi)!', new RegExp(`^Review ${BASE}/${id}\\. Share \\(${BASE}/${id}\\)!$`), 2],
    ['a text shortened before is left as it is', `Tap ${BASE}/AbCdEfGh now`, /^Tap http:\/\/127\.0\.0\.1:3000\/l\/AbCdEfGh now$/, 0],
  ])('%s', async (_case, body, expected, saved) => {
    // Prepare
    const links = new MapLinks();
    // Act
    const shortened = await shortenLinks('m-1', message(body), settings, links, AT);
    // Assess
    expect(shortened).toMatch(expected);
    expect(links.saved.size).toBe(saved);
  });

  it('saves each link with its target, owner and expiry, and renders the same text when retried', async () => {
    // Prepare
    const links = new MapLinks();
    const text = message('Rules: https://krusty.example/rules#top', { source: { kind: 'sweepstakes' } });
    // Act
    const first = await shortenLinks('m-7', text, settings, links, AT);
    const retried = await shortenLinks('m-7', text, settings, links, new Date(AT.getTime() + 60_000));
    // Assess
    expect(retried).toBe(first);
    const [link] = [...links.saved.values()];
    expect(first).toBe(`Rules: ${BASE}/${link!.id}`);
    expect(link).toEqual({
      id: link!.id,
      url: 'https://krusty.example/rules?utm_source=sms&utm_medium=marketing&utm_campaign=sweepstakes#top',
      messageId: 'm-7',
      index: 0,
      phone: '+15551230001',
      programId: 'krusty-burger',
      purpose: 'marketing',
      source: { kind: 'sweepstakes' },
      createdAt: AT.toISOString(),
      expiresAt: AT.getTime() / 1000 + 90 * 86_400,
    });
  });

  it("takes the next candidate when another message's link holds the id, and a retry arrives at it again", async () => {
    // Prepare: another message's link sits on this message's first candidate
    const links = new MapLinks();
    const first = shortLinkId(KEY, 'm-9', '+15551230001', 0);
    links.saved.set(first, { ...plannedLinks('other', message('https://other.example'), settings, AT)[0]!, id: first });
    // Act
    const body = await shortenLinks('m-9', message('Go https://x.example'), settings, links, AT);
    const retried = await shortenLinks('m-9', message('Go https://x.example'), settings, links, AT);
    // Assess
    expect(body).toBe(`Go ${BASE}/${shortLinkId(KEY, 'm-9', '+15551230001', 0, 1)}`);
    expect(retried).toBe(body);
    expect(links.saved.get(first)!.messageId).toBe('other');
  });

  it('fails (the message is retried later) rather than share a link when every candidate is taken', async () => {
    // Prepare
    const taken = { save: async () => 'taken' as const };
    // Act + Assess
    await expect(shortenLinks('m-1', message('https://x.example'), settings, taken, AT)).rejects.toThrow(/no free short link id/);
  });

  it('refuses to render a text with links that do not match its URLs', () => {
    // Act + Assess
    expect(() => shortenedBody('https://a.example and https://b.example', BASE, [{ id: 'AbCdEfGh' }])).toThrow(/expected 2 link/);
  });
});

describe('copy as measured for cost', () => {
  const share = 'Thanks, that made our day! Tell others: https://g.page/r/krusty-burger-springfield/review or share https://x.com/intent/post?text=I%20get%20lunch%20deals%20from%20Krusty%20Burger%3A%20text%20KRUSTY%207K2Q9X%20to%2055155%20to%20join.';

  it('measures a long URL as the short link it becomes', () => {
    // Act
    const sample = withSampleLinks(share, 'https://sms.example.com/l');
    // Assess
    expect(sample).toBe('Thanks, that made our day! Tell others: https://sms.example.com/l/xxxxxxxx or share https://sms.example.com/l/xxxxxxxx.');
    expect(measureSegments(share).segments).toBe(2);
    expect(measureSegments(sample).segments).toBe(1);
  });
});
