import { K8sError } from './errors.js';

/** One requirement of a label selector. */
export type Requirement =
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | '!'; key: string };

/** Parses a label selector such as `app=checkout,tier in (web,api),!canary`. */
export function parseSelector(text: string): Requirement[] {
  const out: Requirement[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      out.push({
        op: m[2] as 'in' | 'notin',
        key: m[1]!,
        values: m[3]!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    if (m) {
      out.push({ op: m[2] === '!=' ? '!=' : '=', key: m[1]!, value: m[3]! });
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) {
      out.push(m[1] ? { op: '!', key: m[2]! } : { op: 'exists', key: m[2]! });
      continue;
    }
    throw new K8sError('bad_request', `unable to parse requirement: "${part}"`, { status: 400 });
  }
  return out;
}

/** Whether labels satisfy every requirement. */
export function matchesSelector(
  requirements: readonly Requirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case '=':
        return v === r.value;
      case '!=':
        return v !== r.value;
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
      default:
        return false;
    }
  });
}
