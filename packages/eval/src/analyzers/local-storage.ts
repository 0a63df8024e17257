import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import {
  type Analyzer,
  clip,
  describedVolumes,
  type Finding,
  linesWith,
  outputs,
  podListOf,
  podRun,
  type Read,
  textOf,
} from './types.js';

// The kubelet's eviction message for a pod over its ephemeral-storage limit (kubelet eviction manager).
const EPHEMERAL = ['ephemeral local storage usage exceeds', 'ephemeral-storage', 'ephemeral storage'];
// What a program writes to local disk on purpose: its logging settings.
const LOGGING = ['loglevel', 'logfile', 'logpath', 'debug', 'logging'];

/** The mount path of a volume in a describe output (`/var/spool from spool (rw)`). */
function mountOf(describe: string, volume: string): string | undefined {
  for (const l of describe.split('\n')) {
    const m = /^\s+(\/\S{0,200}) from (\S{1,63}) \(/.exec(l);
    if (m && m[2] === volume) return m[1];
  }
  return undefined;
}

/**
 * What fills a pod's memory or local disk beyond what its program's heap shows: a memory-backed
 * emptyDir (tmpfs, whose files count against the container's memory limit, per kubernetes.io
 * "Volumes: emptyDir"), and an eviction for ephemeral storage, with what writes to the disk (its
 * logging settings and what its log says about them).
 */
export const localStorageAnalyzer: Analyzer = {
  name: 'local-storage',
  reads({ ns, seen }) {
    const said = `${textOf(seen, 'get_events')}\n${textOf(seen, 'describe_pod')}`;
    if (linesWith(said, EPHEMERAL.slice(0, 1)).length === 0) return [];
    // A pod of the same workload still running shows the settings and the log that fill the disk.
    const list = podListOf(seen, ns);
    const rows = list ? parseTable(list.content) : [];
    const owners = new Set(evictedFor(seen).map((e) => podRun(e.pod)));
    const running = rows.find((r) => r['STATUS'] === 'Running' && owners.has(podRun(r['NAME'] ?? '')));
    const reads: Read[] = [];
    if (running?.['NAME']) {
      reads.push({ tool: 'describe_pod', args: { namespace: ns, name: running['NAME'] } });
      reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: running['NAME'] } });
    }
    return reads;
  },
  finds({ seen, hints }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod')) {
      const pod = String(d.args['name'] ?? '');
      const tmpfs = describedVolumes(d.content).filter((v) => v.type === 'EmptyDir' && v.medium === 'Memory');
      if (tmpfs.length > 0 && /Reason:\s+OOMKilled/.test(d.content)) {
        const v = tmpfs[0]!;
        const path = mountOf(d.content, v.name);
        out.push({
          weight: 92 + (hints.some((h) => pod.startsWith(h)) ? 6 : 0),
          object: `pod ${pod}`,
          cause: `the container is OOMKilled although its heap is small: its emptyDir volume ${v.name}${path ? ` (mounted at ${path})` : ''} is memory-backed (medium: Memory, a tmpfs), and files written there count against the container's memory limit, so what it spools to ${path ?? 'that volume'} is charged as memory until the limit is reached`,
          evidence: [`describe_pod ${pod}: volume ${v.name}: EmptyDir, Medium: Memory; Last State OOMKilled`],
          advice: `back the emptyDir ${v.name} with disk (remove medium: Memory, set a sizeLimit) or spool to a volume, or raise the memory limit to cover the spooled files`,
        });
      }
    }
    const evictions = evictedFor(seen);
    if (evictions.length > 0) {
      const logging = loggingSettings(seen);
      const logs = textOf(seen, 'get_pod_logs');
      const logLine = linesWith(logs, ['writing to', 'log file', 'rotation', 'log level']).at(0);
      // Else a line that says the program puts files on its local disk (unpacks, downloads to /tmp).
      const diskLine = logLine
        ? undefined
        : linesWith(logs, ['unpacked', 'unpacking', 'extracted', 'downloaded to', '/tmp/', 'spool']).at(0);
      const [first] = evictions;
      out.push({
        weight: 88,
        object: `pod ${first!.pod}`,
        cause: `pods were Evicted for ephemeral storage (${evictions.length} read; ${clip(first!.message, 140)}): the node's disk is fine, each pod wrote more to its local disk (container layer, logs, disk-backed emptyDir) than its ephemeral-storage limit allows${
          logging.length > 0 || logLine
            ? `; what writes it: ${[...logging, ...(logLine ? [`its log: "${clip(logLine, 120)}"`] : [])].join('; ')} — debug logging to a local file with no rotation fills the limit within hours`
            : diskLine
              ? `; what writes it: its log says it puts files on that disk ("${clip(diskLine, 160)}"), into the container's writable layer unless a volume is mounted there, which counts against the limit`
              : ''
        }`,
        evidence: [
          ...evictions.slice(0, 2).map((e) => `pod ${e.pod}: Evicted: ${clip(e.message, 120)}`),
          ...logging.slice(0, 2).map((l) => `describe_pod: ${l}`),
        ],
        advice:
          logging.length > 0
            ? 'turn the debug logging off (or log to stdout only, or rotate the file), then let the Deployment replace the evicted pods; raise the ephemeral-storage limit only if the disk use is needed'
            : 'find what writes to the local disk and bound it (a sizeLimit on the emptyDir, log rotation), or raise the ephemeral-storage limit',
      });
    }
    return out;
  },
};

/** Pods evicted for ephemeral storage, with the kubelet's message. */
function evictedFor(seen: readonly SeenObservation[]): { pod: string; message: string }[] {
  const out: { pod: string; message: string }[] = [];
  for (const d of outputs(seen, 'describe_pod')) {
    const line = linesWith(d.content, EPHEMERAL.slice(0, 1))[0];
    if (line) out.push({ pod: String(d.args['name'] ?? ''), message: line.trim().replace(/\s{2,}/g, ' ') });
  }
  return out;
}

/** Environment lines of the pods read that set logging (`LOG_LEVEL: DEBUG`, `LOG_FILE: /var/log/…`). */
function loggingSettings(seen: readonly SeenObservation[]): string[] {
  const out = new Set<string>();
  for (const d of outputs(seen, 'describe_pod')) {
    for (const l of d.content.split('\n')) {
      const m = /^\s+([A-Za-z_][A-Za-z0-9_]{0,63}):\s+(\S.{0,200})$/.exec(l);
      if (!m) continue;
      const k = m[1]!.toLowerCase().replaceAll('_', '');
      if (LOGGING.some((w) => k.includes(w)) || (k.includes('log') && /debug|trace|\//i.test(m[2]!)))
        out.add(`${m[1]}=${m[2]!.trim()}`);
    }
  }
  return [...out].slice(0, 3);
}
