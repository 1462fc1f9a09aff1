import { lookup } from 'zipcode-to-timezone';
import { KNOWN_ZONES } from '../../functions/domain/lunch';
import { zoneForZip } from '../../functions/domain/zip-time-zones';

const ALL_ZIPS = Array.from({ length: 100_000 }, (_, zip) => String(zip).padStart(5, '0'));

describe('zoneForZip', () => {
  test('gives the zipcode-to-timezone package’s answer for every one of the 100,000 five-digit ZIPs', () => {
    // Act
    const differing = ALL_ZIPS.filter((zip) => zoneForZip(zip) !== lookup(zip));
    // Assess: regenerate with `npx tsx bin/generate-zip-time-zones.ts` when the package changes.
    expect(differing).toEqual([]);
  });

  test.each([
    ['10001', 'America/New_York', 'Manhattan'],
    ['60601', 'America/Chicago', 'Chicago'],
    ['80202', 'America/Denver', 'Denver'],
    ['85001', 'America/Phoenix', 'Phoenix, no daylight saving time'],
    ['94103', 'America/Los_Angeles', 'San Francisco'],
    ['96813', 'Pacific/Honolulu', 'Honolulu'],
    ['99501', 'America/Anchorage', 'Anchorage'],
    ['46204', 'America/Indiana/Indianapolis', 'Indianapolis'],
  ])('%s → %s (%s)', (zip, zone) => {
    // Act
    const found = zoneForZip(zip);
    // Assess
    expect(found).toBe(zone);
  });

  test.each([
    ['00000', 'a ZIP no one has'],
    ['00901', 'Puerto Rico: profile-answers supplies the territories’ zones'],
    ['1234', 'four digits'],
    ['123456', 'six digits'],
    ['1000a', 'a letter'],
    ['', 'nothing'],
    ['__proto__', 'an object key'],
  ])('%j → null (%s)', (zip) => {
    // Act
    const found = zoneForZip(zip);
    // Assess
    expect(found).toBeNull();
  });

  test('every zone it gives is one the lunch fan-out knows', () => {
    // Act
    const zones = new Set(ALL_ZIPS.map(zoneForZip).filter((zone) => zone !== null));
    // Assess
    expect([...zones].filter((zone) => !(KNOWN_ZONES as readonly string[]).includes(zone))).toEqual([]);
  });
});
