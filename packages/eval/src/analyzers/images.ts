import { editDistance } from '../did-you-mean.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { outputs } from './types.js';

/**
 * Docker Hub organisations most Kubernetes workloads pull from (what an on-call engineer recognises
 * at a glance), so `bitnmai/redis` reads as a misspelling of `bitnami/redis` with no other image to compare.
 */
const PUBLISHERS = [
  'bitnami',
  'library',
  'grafana',
  'prom',
  'jetstack',
  'rancher',
  'nginxinc',
  'hashicorp',
  'confluentinc',
  'elastic',
  'fluent',
  'jaegertracing',
  'minio',
  'curlimages',
  'mongodb',
  'redislabs',
  'openpolicyagent',
  'istio',
  'calico',
  'cilium',
];

/**
 * A repository split at its registry host (the first segment when it names one: a dot, a port or
 * localhost, as the container runtimes read it); undefined for a Docker Hub short name.
 */
function registryPath(repo: string): { host: string; path: string } | undefined {
  const slash = repo.indexOf('/');
  if (slash < 0) return undefined;
  const host = repo.slice(0, slash);
  return /[.:]/.test(host) || host === 'localhost' ? { host, path: repo.slice(slash + 1) } : undefined;
}

/** An image reference split at its tag: `repo` without tag or digest, `tag` after the last colon of the last segment. */
function split(image: string): { repo: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash
    ? { repo: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repo: image, tag: 'latest' };
}

// An image reference as people and kubectl write them: host/path:tag; bounded, no nested quantifiers.
const IMAGE_RE =
  /\b[a-z0-9][a-z0-9._-]{0,100}(?:\/[a-z0-9][a-z0-9._-]{0,100}){0,4}:[A-Za-z0-9][A-Za-z0-9._-]{0,127}\b/g;

/**
 * Release versions the task names on their own (`v0.6.1`, `2.14.0`: three numbers, an optional
 * leading "v"), in order; a version inside an image reference, a path or a longer word is not one.
 */
export function taskVersions(task: string): string[] {
  return [
    ...task.slice(0, 20_000).matchAll(/(?<![\w.:/@-])v?\d{1,6}\.\d{1,6}\.\d{1,6}(?![\w:/-])(?!\.\w)/g),
  ].map((m) => m[0]);
}

/**
 * Every image reference the task and the tool outputs mention, with where it was seen; with `ns`, only
 * the images of that namespace's workloads as read (its deployments' list, its pods' and deployments'
 * descriptions), the task and rollout histories left out.
 */
function knownImages(
  task: string,
  seen: readonly SeenObservation[],
  ns?: string,
): { image: string; from: string }[] {
  const out: { image: string; from: string }[] = [];
  const here = (o: SeenObservation) => ns === undefined || o.args['namespace'] === ns;
  if (ns === undefined) for (const m of task.matchAll(IMAGE_RE)) out.push({ image: m[0], from: 'the task' });
  for (const o of ns === undefined ? outputs(seen, 'get_rollout_history') : [])
    for (const r of parseTable(o.content))
      for (const part of (r['IMAGES'] ?? '').split(','))
        if (part.includes('='))
          out.push({ image: part.slice(part.indexOf('=') + 1), from: `revision ${r['REVISION']}` });
  for (const o of outputs(seen, 'list_deployments', here))
    for (const r of parseTable(o.content))
      for (const image of (r['IMAGES'] ?? '').split(','))
        if (image) out.push({ image, from: `deployment ${r['NAME']}` });
  for (const tool of ['describe_pod', 'describe_deployment'])
    for (const o of outputs(seen, tool, here))
      for (const m of o.content.matchAll(/^\s*Image:\s+(\S+)/gm)) out.push({ image: m[1]!, from: tool });
  return out;
}

/**
 * A tag that breaks the repository's own convention by its leading "v" (`v2.8.0` where every other
 * tag seen of that repository is bare, `2.7.3`, or the reverse): the tag the release was most likely
 * pushed under, with the tag it was compared with. Undefined otherwise. A common slip: CI tags images
 * from a git tag with the "v" stripped (or kept) while the deploy writes the other form.
 */
export function tagPrefixSlip(
  bad: string,
  task: string,
  seen: readonly SeenObservation[],
): { likely: string; convention: string } | undefined {
  const b = split(bad);
  const version = /^v?\d+\.\d+/;
  if (!version.test(b.tag)) return undefined;
  const others = knownImages(task, seen)
    .map((k) => split(k.image))
    .filter((k) => k.repo === b.repo && k.tag !== b.tag && version.test(k.tag));
  if (others.length === 0) return undefined;
  const prefixed = (t: string) => t.startsWith('v');
  if (others.some((o) => prefixed(o.tag) === prefixed(b.tag))) return undefined;
  return {
    likely: prefixed(b.tag) ? b.tag.slice(1) : `v${b.tag}`,
    convention: others[others.length - 1]!.tag,
  };
}

/**
 * An image that exists where `bad` does not, from what the cluster and the task show: the same
 * repository under another tag (a wrong tag), or a repository one or two edits away under the same
 * tag (a misspelled repository name, `bitnmai/redis` for `bitnami/redis`). Undefined when nothing
 * seen points at one.
 */
export function imageAlternative(
  bad: string,
  task: string,
  seen: readonly SeenObservation[],
  ns?: string,
): { image: string; kind: 'tag' | 'repository' | 'host'; from: string; sibling?: true } | undefined {
  const b = split(bad);
  const known = knownImages(task, seen).filter((k) => k.image !== bad);
  const sameRepo = known.filter((k) => split(k.image).repo === b.repo);
  // The same repository path under another registry host (us-docker.pkg.dev for
  // europe-west1-docker.pkg.dev, a mirror's name): the host is wrong, whatever the tag. Only when
  // every such image agrees on the host, the newest revision's first.
  const path = registryPath(b.repo);
  if (path) {
    const hosts = known.filter((k) => {
      const p = registryPath(split(k.image).repo);
      return p && p.path === path.path && p.host !== path.host;
    });
    const host = hosts.length > 0 ? registryPath(split(hosts[0]!.image).repo)!.host : undefined;
    if (host && hosts.every((k) => registryPath(split(k.image).repo)!.host === host)) {
      const from = hosts.filter((k) => k.from.startsWith('revision')).pop() ?? hosts[0]!;
      return { image: `${host}/${path.path}:${b.tag}`, kind: 'host', from: from.from };
    }
    // No other image of this repository, but the install's other images of the same organisation
    // (`ml-pipeline/api-server`, `ml-pipeline/cache-server` for `ml-pipeline/frontend`) all come from one
    // other host (a mirror), and none from this one: the image is most likely there too, under its path.
    const org = path.path.split('/')[0]!;
    if (hosts.length === 0 && path.path.includes('/') && ns !== undefined) {
      // Only the images of this namespace's workloads: another namespace's install is another team's.
      // An image without a registry host comes from Docker Hub (`ml-pipeline/x` is `docker.io/ml-pipeline/x`).
      const where = (image: string) => {
        const repo = split(image).repo;
        return registryPath(repo) ?? { host: 'docker.io', path: repo.replace(/^library\//, '') };
      };
      const kin = knownImages(task, seen, ns)
        .map((k) => k.image)
        .filter((image) => image !== bad)
        .map(where)
        .filter((p) => p.path !== path.path && p.path.split('/')[0] === org);
      const kinHosts = new Set(kin.map((p) => p.host));
      const only = kinHosts.size === 1 ? [...kinHosts][0]! : undefined;
      const distinct = new Set(kin.map((p) => p.path));
      if (only && only !== path.host && distinct.size >= 2)
        return {
          image: `${only}/${path.path}:${b.tag}`,
          kind: 'host',
          from: `${[...distinct].slice(0, 3).join(', ')}${distinct.size > 3 ? ` and ${distinct.size - 3} more` : ''}`,
          sibling: true,
        };
    }
  }
  // The task's word first (someone said which version: an image, or a bare release version such as
  // "v0.6.1 is the version we approved"), then the newest revision that ran.
  const tagged =
    sameRepo.find((k) => k.from === 'the task') ??
    taskVersions(task)
      .filter((t) => t !== b.tag)
      .map((t) => ({ image: `${b.repo}:${t}`, from: 'the task' }))[0] ??
    sameRepo.filter((k) => k.from.startsWith('revision')).pop() ??
    sameRepo[0];
  if (tagged) return { image: tagged.image, kind: 'tag', from: tagged.from };
  for (const k of known) {
    const r = split(k.image).repo;
    if (r !== b.repo && editDistance(r, b.repo, 2) <= 2)
      return { image: `${r}:${b.tag}`, kind: 'repository', from: k.from };
  }
  // One path segment misspelled (an organisation, `bitnmai/redis` beside `bitnami/postgresql`): the
  // segment other images use, one or two edits away.
  const segments = new Map<string, string>();
  for (const k of known)
    for (const seg of split(k.image).repo.split('/')) if (!segments.has(seg)) segments.set(seg, k.from);
  for (const p of PUBLISHERS) if (!segments.has(p)) segments.set(p, 'a well-known Docker Hub publisher');
  const parts = b.repo.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.length < 4 || segments.has(p)) continue;
    for (const [seg, from] of segments) {
      if (seg.length >= 4 && editDistance(seg, p, 2) <= 2) {
        const repo = [...parts.slice(0, i), seg, ...parts.slice(i + 1)].join('/');
        return { image: `${repo}:${b.tag}`, kind: 'repository', from };
      }
    }
  }
  return undefined;
}
