import { parseTable } from '../k8s-text.js';
import { type Analyzer, type Finding, flat, outputs, type Read } from './types.js';

interface Rescales {
  readonly hpa: string;
  readonly up: number;
  readonly down: number;
  readonly sizes: number[];
}

/** The HPA rescale events of `ns`, per HorizontalPodAutoscaler: how many went up, how many down. */
function rescales(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Rescales[] {
  const by = new Map<string, { up: number; down: number; sizes: Set<number> }>();
  for (const e of outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)) {
    for (const r of parseTable(e.content)) {
      const [kind, name] = (r['OBJECT'] ?? '').split('/');
      if (r['REASON'] !== 'SuccessfulRescale' || !name || !/^horizontalpodautoscaler$/i.test(kind ?? ''))
        continue;
      const times = Number(/\(x(\d{1,6})\)/.exec(r['LAST SEEN'] ?? '')?.[1] ?? 1);
      const msg = r['MESSAGE'] ?? '';
      const size = Number(/New size: (\d{1,5})/.exec(msg)?.[1]);
      const entry = by.get(name) ?? { up: 0, down: 0, sizes: new Set<number>() };
      if (/above target/.test(msg)) entry.up += times;
      else if (/below target/.test(msg)) entry.down += times;
      if (Number.isFinite(size)) entry.sizes.add(size);
      by.set(name, entry);
    }
  }
  return [...by].map(([hpa, x]) => ({
    hpa,
    up: x.up,
    down: x.down,
    sizes: [...x.sizes].sort((a, b) => a - b),
  }));
}

/** Rescaled up and down at least three times each: the replica count oscillates. */
const flapping = (r: Rescales) => r.up >= 3 && r.down >= 3;

/**
 * An HPA that flaps: it scales up and down again and again within the hour because its scale-down
 * stabilization window is (near) zero. By default the controller scales down only to the highest
 * recommendation of the last 300 s (behavior.scaleDown.stabilizationWindowSeconds), which damps a
 * metric that hovers around its target; with 0 each dip removes pods that the next peak needs again,
 * and every new pod starts cold (kubernetes.io, "Horizontal Pod Autoscaling", stabilization window).
 * Found from the HPA's rescale events (up and down, several times each) and its behavior.
 */
export const hpaFlappingAnalyzer: Analyzer = {
  name: 'hpa-flapping',
  reads({ ns, seen }): Read[] {
    return rescales(seen, ns)
      .filter(flapping)
      .slice(0, 1)
      .map((r) => ({
        tool: 'describe_resource',
        args: { kind: 'HorizontalPodAutoscaler', name: r.hpa, namespace: ns },
      }));
  },
  finds({ ns, seen }) {
    for (const r of rescales(seen, ns).filter(flapping)) {
      const d = outputs(
        seen,
        'describe_resource',
        (o) =>
          o.status === 'ok' &&
          o.args['name'] === r.hpa &&
          o.args['namespace'] === ns &&
          /^(?:horizontalpodautoscalers?|hpa)$/i.test(String(o.args['kind'])),
      ).pop()?.content;
      const window = d ? flat(d, 'behavior.scaleDown.stabilizationWindowSeconds') : undefined;
      if (window === undefined || !/^\d{1,6}$/.test(window) || Number(window) >= 60) continue;
      const policy = d ? flat(d, 'behavior.scaleDown.policies[0].value') : undefined;
      const period = d ? flat(d, 'behavior.scaleDown.policies[0].periodSeconds') : undefined;
      const target = `deployment ${flat(d!, 'scaleTargetRef.name') ?? r.hpa}`;
      const out: Finding = {
        weight: 90,
        object: `horizontalpodautoscaler ${r.hpa}`,
        cause: `HorizontalPodAutoscaler ${r.hpa} is flapping: it scaled ${target} up ${r.up} times and down ${r.down} times in its recent events (sizes ${r.sizes.join(', ')}), because its behavior.scaleDown.stabilizationWindowSeconds is ${window} (the default is 300)${policy && period ? ` and its scale-down policy may remove ${policy}% of the pods every ${period} s` : ''}: each dip of the metric below target removes pods the next peak needs again, and every new pod starts cold, so users see slow pages and errors while the replica count oscillates`,
        evidence: [
          `get_events: ${r.up} scale-ups and ${r.down} scale-downs of ${r.hpa}`,
          `describe_resource HorizontalPodAutoscaler ${r.hpa}: behavior.scaleDown.stabilizationWindowSeconds ${window}`,
        ],
        advice: `give ${r.hpa} a scale-down stabilization window (behavior.scaleDown.stabilizationWindowSeconds 300, the default) and a gentler scale-down policy; the maximum is not the problem`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
