import { parse as parseYaml } from 'yaml';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podOwnerObject,
  type Read,
  unmadeReads,
} from './types.js';

/** `open /var/log/syslog: permission denied`, as Go, Python and C programs print a refused open(2). */
const REFUSED_OPEN = /\bopen(?:ing)? ['"]?(\/[^\s'":]{1,400})['"]?:? (?:permission denied|EACCES)/i;

/** Capabilities that let root read or write files whatever their mode (capabilities(7)). */
const DAC = ['DAC_OVERRIDE', 'DAC_READ_SEARCH', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'ALL'];

interface Refused {
  readonly pod: string;
  readonly container: string | undefined;
  readonly line: string;
  readonly path: string;
  readonly files: readonly string[];
}

/** The first pod of the namespace whose log says an open(2) of a file was refused: its latest such line, and every file refused. */
function refused(ctx: AnalyzerContext): Refused | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const files: string[] = [];
    let first: { line: string; path: string } | undefined;
    for (const l of boundedLogLines(o.content)) {
      const m = REFUSED_OPEN.exec(l);
      if (!m) continue;
      // The latest such line: the first of a log read from its tail may be cut at its start.
      first = { line: l.trim(), path: m[1]! };
      if (!files.includes(m[1]!) && files.length < 8) files.push(m[1]!);
    }
    if (first) {
      const c = o.args['container'];
      return {
        pod: String(o.args['name'] ?? ''),
        container: typeof c === 'string' ? c : undefined,
        ...first,
        files,
      };
    }
  }
  return undefined;
}

interface Context {
  readonly container: string;
  readonly runAsUser: number | undefined;
  readonly drop: readonly string[];
  readonly add: readonly string[];
}

/** The security context of the pod's container (its own, over the pod's `runAsUser`), from `get_resource` Pod YAML. */
function securityOf(ctx: AnalyzerContext, r: Refused): Context | undefined {
  const text = outputs(
    ctx.seen,
    'get_resource',
    (o) => String(o.args['kind']).toLowerCase() === 'pod' && o.args['name'] === r.pod,
  ).pop()?.content;
  if (!text || text.length > 200_000) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 });
  } catch {
    return undefined;
  }
  const spec = (doc as { spec?: Record<string, unknown> } | null)?.spec;
  const containers = Array.isArray(spec?.['containers'])
    ? (spec['containers'] as Record<string, unknown>[])
    : [];
  const c = r.container
    ? containers.find((x) => x['name'] === r.container)
    : containers.length === 1
      ? containers[0]
      : undefined;
  if (!c || typeof c['name'] !== 'string') return undefined;
  const sc = (c['securityContext'] ?? {}) as Record<string, unknown>;
  const podSc = (spec?.['securityContext'] ?? {}) as Record<string, unknown>;
  const user = sc['runAsUser'] ?? podSc['runAsUser'];
  const caps = (sc['capabilities'] ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => String(x).toUpperCase()) : []);
  return {
    container: c['name'],
    runAsUser: typeof user === 'number' ? user : undefined,
    drop: list(caps['drop']),
    add: list(caps['add']),
  };
}

/**
 * A container that runs as root (runAsUser 0) with every capability dropped (`capabilities.drop: [ALL]`,
 * a hardening baseline) and is refused opening files: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
 * root is held to the files' mode bits like any user (capabilities(7)), so a file it does not own and
 * whose mode gives others no read (a node's /var/log/syslog, 0640 syslog:adm) is closed to it. Reads the
 * pod's spec (`get_resource` Pod) for its security context.
 */
export const droppedCapabilitiesAnalyzer: Analyzer = {
  name: 'dropped-capabilities',
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    return unmadeReads(ctx.seen, [
      { tool: 'get_resource', args: { kind: 'Pod', name: r.pod, namespace: ctx.ns } },
    ]);
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    const sc = r ? securityOf(ctx, r) : undefined;
    if (!r || !sc || sc.runAsUser !== 0 || !sc.drop.includes('ALL')) return [];
    if (sc.add.some((a) => DAC.includes(a))) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content;
    const owner = podOwnerObject(described, r.pod);
    const object = owner.startsWith('pod ') ? owner : `${owner} (pod ${r.pod})`;
    const quoted = clip(r.line, 200);
    return [
      {
        weight: 90,
        object,
        cause: `the container ${sc.container} runs as root (securityContext runAsUser: 0) but with every capability dropped (capabilities drop: [ALL]), and it is refused opening ${r.files.join(', ')} ("${quoted}"): without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH root is held to the files' permission bits like any other user, so a file it does not own whose mode gives others no read (log files such as /var/log/syslog are 0640, owned by syslog and group adm) is closed to it. The security context (a hardening change that dropped the capabilities) is the cause, not the files or the receiver`,
        evidence: [
          `logs of ${r.pod}: "${quoted}"`,
          `get_resource Pod ${r.pod}: container ${sc.container} securityContext runAsUser 0, capabilities drop ${sc.drop.join(', ')}${sc.add.length ? `, add ${sc.add.join(', ')}` : ''}`,
        ],
        advice: `add the DAC_READ_SEARCH capability (read-only access past file modes) to container ${sc.container}'s securityContext (capabilities add: [DAC_READ_SEARCH], keeping drop: [ALL]), or run it with a supplementary group that may read the files (the files' group, such as adm: securityContext supplementalGroups)`,
      },
    ];
  },
};
