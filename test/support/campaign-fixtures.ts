/** The demo catalog and a campaign item as a marketer would write it, for campaign tests. */
export const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');

/** The spring-menu campaign item (two variants, one an MMS, a lunch coupon each), with `changes` applied. */
export function springMenu(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: 'PROGRAM#krusty-burger',
    sk: 'CAMPAIGN#spring-menu',
    name: 'Spring menu',
    status: 'scheduled',
    sendOn: '2026-03-10',
    localTime: '11:00',
    segment: { states: ['il', 'WI'] },
    variants: [
      { id: 'a', copy: 'Krusty Burger: the spring menu is here! {offer} Code {code}, valid until {validUntil}.', weight: 2 },
      { id: 'b', copy: 'Krusty Burger: try the new Krabby Melt. Code {code}.', mediaUrl: 'https://cdn.example/melt.jpg' },
    ],
    offer: 'OFFER#lunch',
    ...changes,
  };
}
