// Formatting shared by the pages: time in a zone, a zone's wall time back to UTC, a number's ref.

/** US zones to show the clock in (the demo program's own first). */
export const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'UTC'];

/** "Tue, Nov 24, 10:30" in `zone`. */
export function formatIn(iso, zone) {
  if (!iso) return '';
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "2026-11-24 10:30:05" in `zone` (tables: sortable, exact to the second). */
export function stampIn(iso, zone = 'UTC') {
  if (!iso) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** How far `zone` is ahead of UTC at instant `ms`, in ms. */
function offsetAt(ms, zone) {
  const wall = stampIn(new Date(ms).toISOString(), zone).replace(' ', 'T');
  return Date.parse(`${wall}Z`) - ms;
}

/** A wall time in `zone` ("2026-11-24T10:30") as an ISO instant. */
export function zonedToUtc(local, zone) {
  const asUtc = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  let instant = asUtc - offsetAt(asUtc, zone);
  // Once more at the instant found: right across a daylight-saving change too.
  instant = asUtc - offsetAt(instant, zone);
  return new Date(instant).toISOString();
}

/** The console's ref of a number: base64url of the E.164 number. */
export function refOf(phone) {
  return btoa(unescape(encodeURIComponent(phone))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
