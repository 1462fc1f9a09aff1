// What the marketer's pages (catalog, campaigns, funnel) share: their stylesheet, tables, money and
// a text previewed as a phone shows it.
import { h, table } from './app.js';

export { table };

/** Links console/marketer.css once (the shell's style.css stays the shell's). */
export function useMarketerStyles() {
  if (document.querySelector('link[data-marketer]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/console/marketer.css', 'data-marketer': true }));
}

export const money = (value, digits = 2) => `$${Number(value).toFixed(digits)}`;
export const price = (value) => money(value, value < 1 ? 4 : 2);
export const count = (value) => Number(value).toLocaleString('en-US');

/** A text as a phone shows it (its image first for an MMS), with what it costs: encoding, segments, price. */
export function preview(message, label) {
  const facts = message.mms ? `MMS · ${price(message.price)}` : `SMS ${message.encoding} · ${message.segments} segment${message.segments === 1 ? '' : 's'} · ${price(message.price)}`;
  return h(
    'figure',
    { class: 'sms-preview', 'aria-label': label },
    h('div', { class: `sms-bubble${message.segments > 1 && !message.mms ? ' costly' : ''}` }, message.mediaUrl ? h('span', { class: 'sms-media' }, `🖼 ${message.mediaUrl}`) : null, message.text),
    h('figcaption', { class: 'muted' }, facts),
  );
}

/** The page's error, said where the page would be. */
export function failure(main, what, error) {
  main.append(h('p', { class: 'error', role: 'alert' }, `${what} could not be loaded: ${error.message}`));
}

/** Catalog problems by key, field and reason. */
export function problemsTable(caption, problems) {
  return table(caption, ['Item (key)', 'Field', 'Reason'], problems.map((p) => [h('span', { class: 'mono' }, p.key), h('span', { class: 'mono' }, p.field), p.reason]), { attributes: { class: 'problems' } });
}

/** Appends nodes given as values or (nested) lists, skipping null and false. */
export function append(parent, ...children) {
  parent.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
}
