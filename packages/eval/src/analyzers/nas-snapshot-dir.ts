import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  describedVolumes,
  type Finding,
  flat,
  outputs,
  podOwnerObject,
  type Read,
} from './types.js';

/**
 * A path through a NAS's snapshot directory as a log line names it: `/var/lib/app/.snapshot` (NetApp
 * ONTAP, Azure NetApp Files, Oracle's File Storage) or `/data/.zfs` (a ZFS share with `snapdir=visible`).
 * The segment must end there or at `/`, a quote or a space, so `.snapshots/` or `.snapshot_2` do not count.
 * Bounded: at most 300 characters before the segment, no nested quantifiers.
 */
const SNAPSHOT_PATH = /(\/[^\s"'`\\]{0,300}?\/(\.snapshot|\.zfs))(?=$|[/\s"'`),:;\\])/;
/** A line that refuses what it found (not a backup tool listing the directory). */
const REFUSES =
  /incompatib|not empty|unexpected|unknown|unrecogni[sz]ed|invalid|corrupt|remove|cannot|can't|could not|failed|error|refus|permission denied|read-only file system|not permitted|not a valid/i;
/** A new log record (a timestamp or a level at its start), as against a continuation of the one before. */
const RECORD_START =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}|\[?\d{2}:\d{2}:\d{2}|[IWEF]\d{4} |\[?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE)\b)/i;

/** Whether a line leaves a quote open: an odd number of `'` or of `"` (an apostrophe inside a word aside). */
function openQuote(line: string): boolean {
  const singles = line.replace(/[A-Za-z]'[A-Za-z]/g, '').split("'").length - 1;
  const doubles = line.split('"').length - 1;
  return singles % 2 === 1 || doubles % 2 === 1;
}

interface SnapshotRefusal {
  readonly pod: string;
  /** The refusing line, with the line before it when that one continues the same record. */
  readonly quote: string;
  readonly path: string;
  readonly dir: '.snapshot' | '.zfs';
}

/** The first refusal of a NAS snapshot directory in a log read in the namespace: crashed containers' first. */
function refusal(ctx: AnalyzerContext): SnapshotRefusal | undefined {
  return perSeen(ctx.seen, ['nasSnapshotDir', ctx.ns], () => {
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    const ordered = [
      ...logs.filter((o) => o.args['previous'] === true),
      ...logs.filter((o) => !o.args['previous']),
    ];
    for (const log of ordered) {
      const lines = log.content.slice(-200_000).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.length > 4000 || (!line.includes('/.snapshot') && !line.includes('/.zfs'))) continue;
        const m = SNAPSHOT_PATH.exec(line);
        if (!m) continue;
        const before = i > 0 ? lines[i - 1]! : '';
        // The line before continues the same record when it is not a new one and is indented, or leaves a
        // quote open (`Message: 'Memgraph storage directory incompatible …` then the path on the next line).
        const continues =
          before.length <= 4000 &&
          before.trim() !== '' &&
          !RECORD_START.test(before) &&
          (/^\s/.test(before) || openQuote(before));
        if (!REFUSES.test(line) && !(continues && REFUSES.test(before))) continue;
        return {
          pod: String(log.args['name'] ?? ''),
          quote: (continues ? `${before.trim()} ${line.trim()}` : line.trim()).replace(/\s{2,}/g, ' '),
          path: m[1]!,
          dir: m[2] as '.snapshot' | '.zfs',
        };
      }
    }
    return undefined;
  });
}

/** The volume a container mounts at the longest mount path the given path lies under (`/data` for `/data/x`). */
function volumeUnder(described: string, path: string): { mount: string; volume: string } | undefined {
  let best: { mount: string; volume: string } | undefined;
  for (const c of containerSections(described))
    for (const m of c.body.matchAll(/^\s+(\/\S{0,250}) from (\S{1,253}) \((?:rw|ro)\b/gm)) {
      const mount = m[1]!.replace(/\/$/, '');
      if ((path === mount || path.startsWith(`${mount}/`)) && (!best || mount.length > best.mount.length))
        best = { mount: m[1]!, volume: m[2]! };
    }
  return best;
}

const isClaimKind = (k: unknown) => /^(pvc|persistentvolumeclaims?)$/i.test(String(k));
const isClassKind = (k: unknown) => /^(sc|storageclass(es)?)$/i.test(String(k));

interface Backing {
  readonly mount: string;
  readonly claim?: string;
  readonly storageClass?: string;
  /** What the StorageClass says about the storage: its provisioner and the parameters that name a NAS. */
  readonly provisioner?: string;
  readonly params: string[];
  /** An `nfs:` volume of the pod itself (server:path). */
  readonly nfs?: string;
  /** The next read that would show the backing, when one is missing. */
  readonly read?: Read;
}

function backing(ctx: AnalyzerContext, r: SnapshotRefusal): Backing | undefined {
  const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content;
  if (!described)
    return {
      mount: '',
      params: [],
      read: { tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } },
    };
  const under = volumeUnder(described, r.path);
  if (!under) return undefined;
  const volume = describedVolumes(described).find((v) => v.name === under.volume);
  if (volume?.type === 'NFS')
    return { mount: under.mount, params: [], nfs: volume.source || 'an NFS server' };
  // Only a network volume can show a NAS's snapshot directory: an emptyDir, a hostPath or a ConfigMap cannot.
  if (volume?.type !== 'PersistentVolumeClaim' || !volume.source) return undefined;
  const claim = volume.source;
  const claimRead = outputs(
    ctx.seen,
    'describe_resource',
    (o) => isClaimKind(o.args['kind']) && o.args['name'] === claim,
  ).pop();
  if (!claimRead)
    return {
      mount: under.mount,
      claim,
      params: [],
      read: {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: claim, namespace: ctx.ns },
      },
    };
  const cls = flat(claimRead.content, 'storageClassName');
  if (!cls) return { mount: under.mount, claim, params: [] };
  const classRead = outputs(
    ctx.seen,
    'describe_resource',
    (o) => isClassKind(o.args['kind']) && o.args['name'] === cls,
  ).pop();
  if (!classRead)
    return {
      mount: under.mount,
      claim,
      storageClass: cls,
      params: [],
      read: { tool: 'describe_resource', args: { kind: 'StorageClass', name: cls } },
    };
  const text = classRead.content.slice(0, 20_000);
  // kubectl describe's StorageClass fields (`Provisioner:`, `Parameters:`, `MountOptions:`).
  const provisioner = describedField(text, 'Provisioner');
  const params = [
    ['parameters', describedField(text, 'Parameters')],
    ['mountOptions', describedField(text, 'MountOptions')],
  ]
    .filter(([, v]) => v !== undefined && v !== '<none>' && v.length <= 300)
    .map(([k, v]) => `${k} ${v}`);
  return { mount: under.mount, claim, storageClass: cls, ...(provisioner ? { provisioner } : {}), params };
}

/** Whether what backs the volume is NetApp's (Trident's provisioner, an ontap backend type, Azure NetApp Files). */
const netApp = (b: Backing) =>
  /netapp|trident|ontap|anf\b/i.test([b.provisioner ?? '', b.storageClass ?? '', ...b.params].join(' '));
const nfsBacked = (b: Backing) =>
  b.nfs !== undefined ||
  /\bnfs|nas\b|ontap-nas|filestore|efs\.csi/i.test(
    [b.provisioner ?? '', b.storageClass ?? '', ...b.params].join(' '),
  );

/**
 * A program that refuses its data directory because the NAS behind its volume shows a snapshot directory
 * in it: NetApp ONTAP (and Azure NetApp Files, Oracle's File Storage) present a read-only `.snapshot`
 * directory to NFS clients when the volume's snapshot directory is visible (ONTAP `-snapdir-access true`,
 * Trident's ontap-nas option `snapshotDir`), and a ZFS share shows `.zfs` with `snapdir=visible`. A store
 * that owns its directory (a database checking it holds only its own files, an initdb that wants it empty)
 * then finds an entry it did not write and stops ("storage directory incompatible", "not empty"). The
 * data is neither corrupt nor from another version: hide the snapshot directory, or give the program a
 * subdirectory of the volume. Reads the pod, its claim and the claim's StorageClass.
 */
export const nasSnapshotDirAnalyzer: Analyzer = {
  name: 'nas-snapshot-dir',
  first: true,
  reads(ctx): Read[] {
    const r = refusal(ctx);
    const read = r ? backing(ctx, r)?.read : undefined;
    return read ? [read] : [];
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const b = backing(ctx, r);
    if (!b || b.read) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content ?? '';
    const isNetApp = netApp(b);
    // A block volume (EBS, a local disk) holds no NAS snapshot directory: a `.snapshot` there is the program's own.
    if (!isNetApp && !nfsBacked(b)) return [];
    const zfs = r.dir === '.zfs';
    const storage = [
      b.claim ? `claim ${b.claim}` : undefined,
      b.storageClass ? `StorageClass ${b.storageClass}` : undefined,
      b.provisioner ? `provisioner ${b.provisioner}` : undefined,
      ...b.params,
      b.nfs ? `NFS ${b.nfs}` : undefined,
    ].filter((x): x is string => x !== undefined);
    const what = zfs
      ? "the ZFS share's snapshot control directory .zfs (visible with snapdir=visible)"
      : isNetApp
        ? "NetApp ONTAP's snapshot directory .snapshot, which the NFS export shows inside the volume while its snapshot directory is visible"
        : `the NAS's snapshot directory ${r.dir}, the read-only view of the volume's snapshots an NFS export shows inside it`;
    const hide = zfs
      ? 'set snapdir=hidden on the dataset'
      : isNetApp
        ? 'hide the snapshot directory on the volume (ONTAP: volume modify -snapdir-access false; in the Trident backend of the StorageClass, snapshotDir "false" for new volumes; Azure NetApp Files: Hide snapshot path)'
        : 'hide the snapshot directory on the NAS volume';
    return [
      {
        // Above the crash's own line (app-errors, 58-76 and a bonus) and a rollout's image change, which it explains.
        weight: 93,
        object: podOwnerObject(described, r.pod),
        cause: `${r.pod} refuses its data directory because ${r.path} is ${what}, not a file the program wrote: the data directory ${b.mount} is on ${storage.join(', ')}, and the program stops on an entry it does not know ("${clip(r.quote, 260)}"). The data is not corrupt and the program's version is not the cause: the same files start once the snapshot directory is out of its data directory`,
        evidence: [
          `get_pod_logs ${r.pod}: "${clip(r.quote, 200)}"`,
          ...(b.claim ? [`describe_pod ${r.pod}: ${b.mount} from claim ${b.claim}`] : []),
          ...(b.storageClass
            ? [
                `describe_resource StorageClass ${b.storageClass}: ${[b.provisioner, ...b.params].filter(Boolean).join(', ')}`,
              ]
            : []),
        ],
        advice: `${hide}, or point the program at a subdirectory of the mount (a subPath, or its data-directory setting) so ${r.dir} is not inside it; then restart the pod. Do not delete ${r.dir} (it is the storage's, read-only) and do not roll the program back or wipe the volume`,
      },
    ];
  },
};
