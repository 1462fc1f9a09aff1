/** Plain fixed-width tables: the output is read in a terminal or pasted into a PR, not parsed. */
export type Cell = string | number;

const NUMERIC = /^[\d.,\s×-]+(ms|s|KB|MB|B|\/s)?$/;

export function formatTable(title: string, header: string[], rows: Cell[][]): string {
  const text = [header, ...rows].map((row) => header.map((_, col) => String(row[col] ?? '')));
  const widths = header.map((_, col) => Math.max(...text.map((row) => row[col]!.length)));
  // A column whose every value is a figure is right-aligned, so digits and units line up.
  const right = header.map((_, col) => rows.length > 0 && rows.every((row) => NUMERIC.test(String(row[col] ?? ''))));
  const line = (row: string[]) => row.map((cell, col) => (right[col] ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd();
  return [title, line(text[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n');
}
