/** Plain fixed-width tables (shared with the CLIs). */
export { formatTable, type Cell } from '../lib/text-table';

export const bytes = (value: number) => value.toLocaleString('en-US');
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
/** Ratios against a baseline can be in the thousands (an empty handler is ~0.5 KB): no decimals then. */
export const ratio = (value: number, baseline: number) => {
  if (!(baseline > 0)) return 'n/a';
  const r = value / baseline;
  return `${r.toFixed(r >= 100 ? 0 : 2)}×`;
};
