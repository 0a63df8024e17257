import { abnormalCondition, kindsRead } from '@sre-harness/tools-k8s';
import { quotaRoomNow } from './quota-room.js';
import { type Analyzer, bonus, clip, type Finding, outputs, section } from './types.js';

/** Kinds the scan reads (lower-case); their conditions are the scan's to report. */
const SCANNED = new Set(kindsRead().map((k) => k.toLowerCase()));

interface TextCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** The `conditions[i].field: value` lines of a `describe_resource` Status section, as conditions. */
export function describedConditions(text: string): TextCondition[] {
  const byIndex = new Map<string, TextCondition>();
  for (const raw of section(text, 'Status').split('\n').slice(0, 400)) {
    const line = raw.trim();
    if (!line.startsWith('conditions[')) continue;
    const close = line.indexOf('].');
    const colon = line.indexOf(': ');
    if (close < 0 || colon < close) continue;
    const index = line.slice('conditions['.length, close);
    const field = line.slice(close + 2, colon);
    const value = line.slice(colon + 2);
    const c = byIndex.get(index) ?? { type: '', status: '', reason: '', message: '' };
    if (field === 'type' || field === 'status' || field === 'reason' || field === 'message') c[field] = value;
    byIndex.set(index, c);
  }
  return [...byIndex.values()].filter((c) => c.type !== '');
}

/**
 * The details of an admission policy's refusal that a described object's Status section keeps: the line
 * naming the rule that denied it (`[denied by <constraint>]`, as Gatekeeper and GKE's Warden word it), its
 * JSON punctuation dropped. Undefined when there is none.
 */
function deniedDetails(text: string): string | undefined {
  for (const raw of section(text, 'Status').split('\n').slice(0, 400)) {
    if (raw.length > 8000) continue;
    // GKE Warden's and Gatekeeper 2's `[denied by <constraint>]`, or Gatekeeper 3's `denied the request:
    // [<constraint>] <message>`: the quote starts at the first constraint, past the preamble.
    const m = /\[denied by [^\]\n]{1,120}\]|denied the request: (\[[a-z0-9][a-z0-9.-]{0,120}\] )/.exec(raw);
    if (!m) continue;
    const from = m[1] !== undefined ? m.index + m[0].length - m[1].length : m.index;
    return raw.slice(from).trim().replace(/[{}"]/g, '').replace(/\]:\[/g, ']: ').replace(/\],\[/g, '; [');
  }
  return undefined;
}

/**
 * Objects of kinds the scan does not read (custom resources such as an ExternalSecret or a
 * Certificate, PersistentVolumes, …), described because the task or a finding named them: an
 * abnormal condition or a Warning event on them is what their controller reports as wrong.
 */
export const describedConditionsAnalyzer: Analyzer = {
  name: 'described-conditions',
  reads: () => [],
  finds({ seen, hints }) {
    const out: Finding[] = [];
    for (const o of outputs(seen, 'describe_resource')) {
      const kind = String(o.args['kind'] ?? '');
      const name = String(o.args['name'] ?? '');
      if (SCANNED.has(kind.toLowerCase())) continue;
      // Read by polarity, as the scan's conditions family reads typed conditions.
      const bad = describedConditions(o.content).filter(abnormalCondition);
      const warnings = section(o.content, 'Events')
        .split('\n')
        .map((l) => l.trim().split(/\s{2,}/))
        .filter((cols) => cols[0] === 'Warning' && cols.length >= 5)
        // A quota's refusal that its usage now would admit is history, not what is wrong.
        .filter(
          (cols) =>
            !quotaRoomNow(
              {
                kind: kind.toLowerCase() === 'resourcequota' ? 'ResourceQuota' : kind,
                name,
                message: cols.slice(4).join('  '),
              },
              seen,
              String(o.args['namespace'] ?? ''),
            ),
        );
      if (bad.length === 0 && warnings.length === 0) continue;
      const c = bad[0];
      const w = warnings[0];
      const said = c
        ? `${c.type} ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: "${clip(c.message, 200)}"` : ''}`
        : `a Warning ${w![1]} event: "${clip(w!.slice(4).join('  '), 200)}"`;
      // An admission webhook's refusal, cut short in the event: the object's status keeps the policy's
      // own details (`[denied by autogke-no-host-port]: container … specifies host ports …`).
      const denial = /denied the request|admission webhook/.test(said) ? deniedDetails(o.content) : undefined;
      out.push({
        weight: 74 + bonus(name, hints),
        object: `${kind.toLowerCase()} ${name}`,
        cause: `${kind} ${name} reports ${said}${c && w ? `; its events: Warning ${w[1]}: "${clip(w.slice(4).join('  '), 160)}"` : ''}${denial ? `; the refusal's details, from its status: "${clip(denial, 360)}"` : ''}`,
        evidence: [
          ...bad
            .slice(0, 2)
            .map(
              (x) =>
                `describe_resource ${kind} ${name}: condition ${x.type} ${x.status} ${x.reason}${x.message ? `: ${clip(x.message, 140)}` : ''}`,
            ),
          ...warnings
            .slice(0, 1)
            .map(
              (x) =>
                `describe_resource ${kind} ${name}: event Warning ${x[1]}: ${clip(x.slice(4).join('  '), 140)}`,
            ),
        ],
        advice: `fix what ${kind} ${name}'s ${c ? `${c.type} condition` : `${w![1]} event`} names, then check that its status turns healthy`,
      });
    }
    return out;
  },
};
