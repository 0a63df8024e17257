/**
 * Tables parsed so far, by text: the offline models re-read every tool output they have seen at each
 * decision, so the same few outputs are parsed again and again. The rows are frozen (every reader only
 * reads them); the cache is emptied when full, so memory stays flat.
 */
const TABLES = new Map<string, readonly Readonly<Record<string, string>>[]>();
const MAX_TABLES = 512;

/**
 * Parses a kubectl-style table (an upper-case header, columns aligned by spaces) into rows keyed by
 * header. The rows are shared between calls with the same text and frozen: copy them to change them.
 */
export function parseTable(text: string): readonly Readonly<Record<string, string>>[] {
  let rows = TABLES.get(text);
  if (rows === undefined) {
    rows = Object.freeze(parseTableUncached(text).map((r) => Object.freeze(r)));
    if (TABLES.size >= MAX_TABLES) TABLES.clear();
    TABLES.set(text, rows);
  }
  return rows;
}

function parseTableUncached(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex(
    (l) =>
      /^[A-Z][A-Z0-9-]*(\s{2,}|\s)[A-Z]/.test(l.trim()) &&
      l.trim() === l.trim().toUpperCase() &&
      /NAME|REVISION|LAST SEEN|TYPE/.test(l),
  );
  if (headerIndex < 0) return [];
  const header = lines[headerIndex]!;
  const cols: { name: string; start: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) cols.push({ name: m[0], start: m.index });
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '' || /^\[|^\(/.test(line.trim())) continue;
    const row: Record<string, string> = {};
    for (const [i, c] of cols.entries()) {
      const next = cols[i + 1];
      // Values may be wider than their header; extend a cell to the next whitespace boundary.
      let start = c.start;
      while (start > 0 && line[start - 1] !== undefined && line[start - 1] !== ' ') start--;
      let end = next ? next.start : line.length;
      while (next && end < line.length && line[end - 1] !== ' ' && line[end] !== ' ') end++;
      row[c.name] = line.slice(start, end).trim();
    }
    if (Object.values(row).some((v) => v !== '')) rows.push(row);
  }
  return rows;
}

/** Pulls `Key: value` lines out of describe-style text (first occurrence of each key wins). */
export function describeFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z0-9 -]*?):\s+(.*\S)\s*$/.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}
