import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  describedMounts,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

/**
 * A program refusing a name it has already loaded: `ApplicationMembers was already defined`, `type "X" is
 * already registered`, `duplicate definition of X`. The name: a word of 2 to 100 characters. Bounded.
 */
const ALREADY = [
  /(?:^|[\s"'`(:])([A-Za-z_][\w.-]{1,100})["'`]? (?:was|is|has been) already (?:been )?(?:defined|declared|registered)\b/,
  /\bduplicate (?:definition|declaration|type|cube|model|name|key)s? (?:of |for )?["'`]?([A-Za-z_][\w.-]{1,100})/i,
  /["'`]([A-Za-z_][\w.-]{1,100})["'`] (?:is )?defined (?:more than once|twice)\b/,
];

interface Dup {
  readonly pod: string;
  /** The container whose log it is, when the read names one. */
  readonly container: string | undefined;
  readonly name: string;
  readonly line: string;
}

/** The first such refusal in the logs (current or previous) of the namespace's pods. */
function duplicate(ctx: AnalyzerContext): Dup | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 2000 || !/already|duplicate|more than once|twice/i.test(line)) continue;
      for (const re of ALREADY) {
        const name = re.exec(line)?.[1];
        if (name)
          return {
            pod: String(o.args['name'] ?? ''),
            container: typeof o.args['container'] === 'string' ? o.args['container'] : undefined,
            name,
            line: line.trim(),
          };
      }
    }
  }
  return undefined;
}

/**
 * The ConfigMaps the pod mounts as whole directories (no `subPath`: kubectl prints `(ro,path="key")` for a
 * mount of one key), with the mount path.
 */
function dirMounts(described: string, container?: string): { map: string; path: string }[] {
  const out: { map: string; path: string }[] = [];
  const volumes = new Map(
    describedVolumes(described)
      .filter((v) => v.type === 'ConfigMap' && v.source)
      .map((v) => [v.name, v.source] as const),
  );
  // The logging container's mounts (the first container's when the read named none, as kubectl defaults).
  const apps = containerSections(described).filter((x) => !x.init);
  const own = apps.filter((c) => c.name === (container ?? apps[0]?.name));
  for (const c of own)
    for (const m of describedMounts(c.body)) {
      const map = m.subPath === undefined ? volumes.get(m.volume) : undefined;
      if (map) out.push({ map, path: m.path });
    }
  return out;
}

/**
 * How many times a ConfigMap's data defines `name`: a line that gives it as a definition's name (`name:
 * ApplicationMembers`, `cube(\`Orders\``, `id = "x"`), not a reference to it (`join_path: ApplicationMembers`).
 */
function definitions(described: string, name: string): number {
  // `describe_resource`'s Data section, or `get_resource`'s `data:` map.
  const at = described.search(/^Data\s*$|^data:\s*$/m);
  if (at < 0) return -1;
  let n = 0;
  for (const l of described
    .slice(at, at + 400_000)
    .split('\n')
    .slice(0, 20_000)) {
    if (l.length > 2000 || !l.includes(name)) continue;
    // A trailing YAML comment (`- name: X  # moved from a.yml`) is not part of the value.
    const t = l
      .trim()
      .replace(/^-\s+/, '')
      .replace(/\s+#.{0,2000}$/, '');
    if (
      t === `name: ${name}` ||
      t === `name: "${name}"` ||
      t === `name: '${name}'` ||
      t.startsWith(`cube(\`${name}\``) ||
      t.startsWith(`cube("${name}"`) ||
      t.startsWith(`cube('${name}'`) ||
      t.startsWith(`view(\`${name}\``)
    )
      n++;
  }
  return n;
}

/**
 * A program that loads every file of a directory mounted from a ConfigMap and refuses a name as defined twice,
 * while the ConfigMap defines it once: a ConfigMap volume keeps its files in a hidden timestamped directory
 * (`..2026_03_12_09_41_07.123456789`), links `..data` to it and each key to `..data/<key>`, so a program that
 * walks the directory recursively (or follows every link, or does not skip dot-entries) reads each file
 * more than once (kubernetes.io, "ConfigMaps": the volume is updated atomically through that symlink). The
 * duplicate is in how the files are laid out, not in the files. Reads the pod and its ConfigMaps (two at
 * most).
 */
export const configMapDirDuplicatesAnalyzer: Analyzer = {
  name: 'configmap-dir-duplicates',
  // Its reads follow from the crashed pod's own log at once.
  first: true,
  reads(ctx): Read[] {
    const dup = duplicate(ctx);
    if (!dup) return [];
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === dup.pod).pop()?.content;
    if (!d) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: dup.pod } }];
    const readAlready = (map: string) =>
      outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === map && o.args['namespace'] === ctx.ns,
      ).length > 0;
    return dirMounts(d, dup.container)
      .filter((m) => !readAlready(m.map))
      .slice(0, 2)
      .map((m) => ({
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', name: m.map, namespace: ctx.ns },
      }));
  },
  finds(ctx): Finding[] {
    const dup = duplicate(ctx);
    if (!dup) return [];
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === dup.pod).pop()?.content;
    if (!d) return [];
    const mounts = dirMounts(d, dup.container);
    const read = (name: string, tool: string) =>
      outputs(
        ctx.seen,
        tool,
        (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
      ).pop()?.content;
    const maps = mounts.map((m) => read(m.map, 'describe_resource') ?? read(m.map, 'get_resource'));
    // Every directory-mounted ConfigMap read, the name defined once among all of them (two maps that each
    // define it once under one tree are a real duplicate).
    if (maps.some((x) => x === undefined)) return [];
    const counts = maps.map((x) => definitions(x!, dup.name));
    if (counts.reduce((a, b) => a + Math.max(0, b), 0) !== 1) return [];
    for (const [i, m] of mounts.entries()) {
      if (counts[i] !== 1) continue;
      const owner = ownerDeployment(d);
      return [
        {
          weight: 90,
          object: podObject(owner, dup.pod),
          cause: `the program refuses ${dup.name} as defined twice ("${clip(dup.line, 200)}"), yet the ConfigMap ${m.map}, mounted as the directory ${m.path}, defines ${dup.name} once: a ConfigMap volume keeps its files in a hidden timestamped directory (..<date>), links ..data to it and each key to ..data/<key>, so a program that reads the directory recursively, following the symlinks or not skipping hidden entries, loads each file more than once. The duplicate comes from how the volume lays the files out, not from the model files`,
          evidence: [
            `logs of ${dup.pod}: "${clip(dup.line, 200)}"`,
            `describe_pod ${dup.pod}: ConfigMap ${m.map} mounted as the directory ${m.path} (no subPath)`,
            `describe_resource ConfigMap ${m.map}: ${dup.name} defined once`,
          ],
          advice: `mount each key of ${m.map} individually with subPath (one volumeMount per file), or copy the files into an emptyDir with an init container, or make the program skip hidden entries (..data and the timestamped directory); removing a "duplicate" from the files would not help`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
