import { expect } from 'vitest';
import type { SeenObservation } from '../observations.js';
import type { AnalyzerContext } from './types.js';

/**
 * A successful observation at step 1, as the analyzers' table tests feed them: what `tool` returned
 * (`content`) for `args`. Test support only; nothing outside tests imports it.
 */
export function observed(tool: string, args: Record<string, unknown>, content: string): SeenObservation {
  return { step: 1, tool, args, status: 'ok', content };
}

/**
 * `observed` with the content before the arguments, every call in `namespace` (when given) unless the
 * arguments name another.
 */
export function observedIn(
  namespace?: string,
): (tool: string, content: string, args: Record<string, unknown>) => SeenObservation {
  return (tool, content, args) => observed(tool, namespace ? { namespace, ...args } : args, content);
}

/** A kubectl-style table (`list_pods`, `list_resources`), its columns padded as kubectl pads them. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 3);
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** What an analyzer is given: the namespace under investigation, what was seen, the person's task. */
export const ctx = (ns: string, seen: SeenObservation[], task = ''): AnalyzerContext => ({
  task,
  ns,
  hints: [],
  seen,
});

/** `list_pods` in `ns`: the rows under the NAME, READY, STATUS, RESTARTS and AGE columns. */
export const pods = (ns: string, rows: string[][]): SeenObservation =>
  observed('list_pods', { namespace: ns }, table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ...rows]));

/** `get_pod_logs` of pod `name` in `ns`: the lines joined; `extra` adds arguments (`previous`, `container`). */
export const log = (
  ns: string,
  name: string,
  lines: string[],
  extra: Record<string, unknown> = {},
): SeenObservation => observed('get_pod_logs', { namespace: ns, name, ...extra }, lines.join('\n'));

/** What `describedPodText` prints: one app container, its variables and arguments, and its volumes. */
export interface PodSpecText {
  readonly ns: string;
  readonly name: string;
  readonly container?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** The container's arguments, on the `Args:` line as the tools print them. */
  readonly args?: string;
  /** ConfigMaps mounted as volumes (each a volume of the same name). */
  readonly configMaps?: readonly string[];
  /** ConfigMaps whose keys all become variables (`envFrom`), printed before the variables as the tools do. */
  readonly envFrom?: readonly string[];
  /** PersistentVolumeClaims mounted as volumes (each a volume of the same name). */
  readonly claims?: readonly string[];
}

/** `describe_pod` of a Running, Ready pod as the tools print it (see `PodSpecText`). */
export function describedPodText(p: PodSpecText): string {
  const vars = Object.entries(p.env ?? {});
  return [
    `Name:             ${p.name}`,
    `Namespace:        ${p.ns}`,
    'Status:           Running',
    'Containers:',
    `  ${p.container ?? 'app'}:`,
    '    Image:          registry.example.com/app:1.0.0',
    '    State:          Running',
    '    Ready:          True',
    '    Restart Count:  0',
    ...(p.args ? [`    Args:           ${p.args}`] : []),
    vars.length === 0 && !p.envFrom?.length ? '    Environment:    <none>' : '    Environment:',
    ...(p.envFrom ?? []).map((n) => `      <all keys from ConfigMap ${n}>`),
    ...vars.map(([k, v]) => `      ${k}:  ${v}`),
    'Conditions:',
    '  Type              Status',
    '  Ready             True',
    'Volumes:',
    ...(p.configMaps ?? []).flatMap((n) => [
      `  ${n}:`,
      '    Type:     ConfigMap (a volume populated by a ConfigMap)',
      `    Name:     ${n}`,
      '    Optional: false',
    ]),
    ...(p.claims ?? []).flatMap((n) => [
      `  ${n}:`,
      '    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
      `    ClaimName:  ${n}`,
      '    ReadOnly:   false',
    ]),
    'QoS Class:        Burstable',
    'Events:  <none>',
  ].join('\n');
}

/**
 * `describe_resource` of a ReplicaSet in `ns` as the tools print it: its revision annotation and its pod
 * template flattened, each of `template`'s lines under `template.spec.` (`containers[0].image: a:1`).
 */
export function describedReplicaSet(ns: string, name: string, revision: number, template: readonly string[]) {
  return observed(
    'describe_resource',
    { kind: 'ReplicaSet', namespace: ns, name },
    [
      `Name:         ${name}`,
      `Namespace:    ${ns}`,
      'Kind:         ReplicaSet (apps/v1)',
      `Annotations:  deployment.kubernetes.io/revision=${revision}`,
      'Spec:',
      ...template.map((l) => `  template.spec.${l}`),
      '  template.spec.restartPolicy: Always',
      'Events:  <none>',
    ].join('\n'),
  );
}

/** Milliseconds `f` takes, the best of three runs. */
export function timed(f: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * A pathological input may cost a few times a benign one of the same size, never orders more: the
 * reviews' check of bounded work (a ratio within one run, not a timing target).
 */
export function expectBounded(pathological: () => unknown, baseline: () => unknown): void {
  const base = timed(baseline);
  const bad = timed(pathological);
  expect(bad).toBeLessThan(base * 20 + 1000);
}
