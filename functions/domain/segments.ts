/**
 * SMS segment counting (GSM 03.38 / UCS-2), because cost and throughput are per segment.
 *
 * Choices:
 * - Empty text → 0 units, 0 segments (GSM-7). Twilio rejects an empty Body without media, so there is
 *   nothing to bill; callers that must never send an empty body should check for that themselves.
 * - When a message is split, a character is never cut in half: a GSM extension pair (ESC + char)
 *   or a UTF-16 surrogate pair (emoji) that would straddle a boundary moves to the next segment,
 *   as handsets and Twilio do (152 chars + "€" + 152 chars: 306 units, yet 3 segments).
 * - No "smart encoding": a curly quote is not silently replaced by a straight one here.
 */
export interface SegmentMeasure {
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
}

/** GSM 03.38 basic table, in code order, minus 0x1B (the escape to the extension table). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: each is sent as ESC + char, so it costs 2 septets. */
const GSM7_EXTENDED = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENDED = new Set(GSM7_EXTENDED);

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

export function measureSegments(text: string): SegmentMeasure {
  const chars = Array.from(text); // code points, so a surrogate pair stays whole
  const gsm = chars.every((c) => BASIC.has(c) || EXTENDED.has(c));
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((c) => (gsm ? (EXTENDED.has(c) ? 2 : 1) : c.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const limit = LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= limit.single) return { encoding, units, segments: 1 };
  // Greedy packing is optimal for an in-order split with indivisible pieces.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limit.multi) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}
