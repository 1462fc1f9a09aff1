import { DEFAULT_ZONE_SHARDS, audienceKeys, zoneChainKey, zoneShard, zoneShards } from '../../functions/adapters/audience-keys';

const phones = Array.from({ length: 8000 }, (_, i) => `+1${String(2_025_550_000 + i * 7919)}`);

describe('sharded zone keys of the byZone index', () => {
  test.each([1, 2, 8, 33, 100])('with %i shards every phone lands in one of them, and each shard gets its share', (shards) => {
    // Act
    const counts = new Array<number>(shards).fill(0);
    for (const phone of phones) counts[zoneShard(phone, shards)]! += 1;

    // Assess
    expect(counts.reduce((a, b) => a + b, 0)).toBe(phones.length);
    const fair = phones.length / shards;
    for (const count of counts) {
      expect(count).toBeGreaterThan(fair * 0.7);
      expect(count).toBeLessThan(fair * 1.3);
    }
  });

  test('a phone\'s shard is fixed (FNV-1a of the number): the same in every process and release, so writers and readers agree', () => {
    // Act
    const shards = ['+15555550100', '+12125551234', '+13125550000'].map((phone) => [zoneShard(phone, 8), zoneShard(phone, 100)]);
    // Assess
    expect(shards).toEqual([[4, 36], [3, 63], [6, 70]]);
  });

  test('a subscription is filed under its zone and shard; the pre-shard key is what subscriptions carried before', () => {
    // Act + Assess
    expect(audienceKeys.zoneKey('krusty-burger', 'America/Chicago', '+15555550100')).toBe(`ZONE#krusty-burger#America/Chicago#${zoneShard('+15555550100')}`);
    expect(zoneChainKey('krusty-burger', 'unknown')).toBe('ZONE#krusty-burger#unknown');
  });

  test.each([
    [undefined, DEFAULT_ZONE_SHARDS],
    ['1', 1],
    ['16', 16],
    ['100', 100],
  ])('LUNCH_ZONE_SHARDS=%s gives %i shards', (value, shards) => {
    expect(zoneShards(value === undefined ? {} : { LUNCH_ZONE_SHARDS: value })).toBe(shards);
  });

  test.each(['0', '-2', '1.5', '101', 'eight', ''])('LUNCH_ZONE_SHARDS=%j is refused with the setting named', (value) => {
    expect(() => zoneShards({ LUNCH_ZONE_SHARDS: value })).toThrow(/LUNCH_ZONE_SHARDS must be a whole number from 1 to 100/);
  });
});
