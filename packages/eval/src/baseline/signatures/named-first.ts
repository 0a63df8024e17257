/**
 * The task's own workload before an unrelated one. When the strongest finding is about the pods of a
 * workload the task does not name, and a finding about a workload it does name is a cause in its own
 * right (weight at least {@link NAMED_CAUSE_WEIGHT}), and nothing read ties the two together, the named
 * workload's finding leads: a person who asks why `checkout` fails is asking about `checkout`, and a
 * neighbour's crash loop found in the same namespace is a separate incident (the answer still lists it
 * under "Also seen").
 *
 * Tied means either finding's cause, evidence or advice names the other workload (a Service that selects
 * its pods, or that Service's cluster IP, counts), or the named pod's description (an environment value such
 * as `DB_HOST=pad-db`) or log (`lost connection to pad-db:5432`) does. A tie keeps the order: the other
 * workload is then the dependency the named one fails on, or a cause an analyzer tied to it on purpose.
 * When only the other workload's own log reaches the named one (it crashes because `checkout:8080` refuses),
 * the named one is upstream and leads.
 *
 * Only a finding on a workload's pods (`deployment X (pod P)`, `pod P`, `statefulset X`, `job J (pod P)`) or on a claim
 * (`persistentvolumeclaim C`, tied when the named pods' descriptions mount it) is moved aside: findings on
 * a Service, a webhook, a setting or a node are what the signatures found as causes of what runs, and keep
 * their place.
 */
import type { Finding } from '../../analyzers/index.js';
import { servingPath, siteHost } from '../../analyzers/serving-path.js';
import { namesWhole, outputs, podDeployment } from '../../analyzers/types.js';
import { parseTable } from '../../k8s-text.js';
import type { SeenObservation } from '../../observations.js';
import { matchesHint } from '../reading.js';

/** Below this a finding is a symptom or a remark (a restart count, warnings in a log), not a cause to lead with. */
export const NAMED_CAUSE_WEIGHT = 65;

/**
 * A finding on a workload, or on the ServiceAccount its pods run as (an RBAC refusal: `serviceaccount X`, which
 * names the workload when the account is called after it), that may lead when the task names it.
 */
const WORKLOAD = /^(?:deployment|pod|statefulset|daemonset|job|cronjob|serviceaccount) [a-z0-9]/;
/** A finding on a Service (`service X`), which may lead when the task's URL is routed to it. */
const SERVICE = /^service ([a-z0-9][a-z0-9.-]{0,252})$/;
/** A top finding that may be moved aside: one on a workload's pods, or on a claim none of the named workload's reads mention. */
const MOVABLE = /^(?:deployment|pod|statefulset|daemonset|job|cronjob|persistentvolumeclaim) [a-z0-9]/;
/** A finding placed in another namespace (`… in edge`, `(namespace edge)`): found by following a dependency there. */
const ELSEWHERE = / in [a-z0-9-]{1,63}$|\(namespace [a-z0-9-]{1,63}\)/;

/**
 * The task without what it quotes: a quoted message (`"Metrics handler: unexpected status"`) is what a
 * program said, not a workload the person names; a quoted single name (`"checkout"`) stays. Quotes are
 * straight or curly double quotes, each quoted part at most 400 characters (a longer one is kept, as an
 * unclosed quote is).
 */
export function unquoted(task: string): string {
  let out = '';
  let i = 0;
  while (i < task.length) {
    const c = task[i]!;
    if (c === '"' || c === '\u201c') {
      const close = task.slice(i + 1, i + 402).search(c === '"' ? /"/ : /\u201d/);
      // A quoted single name (`the "checkout" service`) is kept: it names, it does not quote a message.
      if (close >= 0 && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(task.slice(i + 1, i + 1 + close))) {
        out += ' ';
        i += close + 2;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * The lower-case task without the sites it names: a URL or a host name of a site names a site, not a
 * workload (`sonar` of https://sonar.example.dev or sonar.example.dev names no `sonar-…` Deployment). A
 * URL of any other host (`http://checkout:8080/api`, `http://checkout.shop:8080`,
 * `http://checkout.shop.svc.cluster.local/`: names cluster DNS resolves) names the workload behind it, and
 * its first label stays.
 */
export function withoutSites(lower: string): string {
  return lower
    .replace(/\bhttps?:\/\/([^\s"'<>/:?#]{1,253})[^\s"'<>]{0,2000}/g, (_m, host: string) =>
      siteHost(host) ? ' ' : ` ${host.split('.')[0]} `,
    )
    .replace(/[a-z0-9][a-z0-9.-]{0,252}/g, (name) => (siteHost(name.replace(/[.-]+$/, '')) ? ' ' : name));
}

/** The names a finding's object gives: `deployment X (pod P)` gives X and P, `pod P` gives P and its Deployment. */
export function objectNames(object: string): string[] {
  const out: string[] = [];
  const head = /^\S+ ([a-z0-9][a-z0-9.-]{0,252})/.exec(object)?.[1];
  const pod =
    /\(pod ([a-z0-9][a-z0-9.-]{0,252})\)/.exec(object)?.[1] ?? (object.startsWith('pod ') ? head : undefined);
  if (head) out.push(head);
  if (pod && pod !== head) out.push(pod);
  const dep = pod ? podDeployment(pod) : undefined;
  if (dep && !out.includes(dep)) out.push(dep);
  return out;
}

/**
 * The object a finding's cause opens with, when it opens with a name whose failure it explains
 * (`fluentd-2fwg6's requests to elasticsearch time out because …`): a finding on a dependency that says
 * why the named workload fails is about that workload. Empty otherwise.
 */
export function subjectOf(cause: string): string {
  return /^([a-z0-9][a-z0-9.-]{0,252})'s /.exec(cause)?.[1] ?? '';
}

/** The names the run's successful searches (`find_objects`) were made with and found objects for. */
function foundTerms(seen: readonly SeenObservation[]): string[] {
  return outputs(seen, 'find_objects')
    .filter((o) => parseTable(o.content.slice(0, 200_000)).length > 0)
    .map((o) => String(o.args['name'] ?? '').toLowerCase())
    .filter((n) => n.length >= 3);
}

/** What a finding says, in one text: its object, cause, evidence, advice and the text of its fix. */
function said(f: Finding): string {
  return [f.object, f.cause, ...f.evidence, f.fix?.text ?? '', f.advice ?? ''].join('\n');
}

/**
 * What was read of the pods `names` gives, and of every pod of the workloads `owners` names (a Service's
 * pods, `desk-web-7d9f8c6b5-k4m2p` for `desk-web`): their descriptions and their logs (searched or read).
 */
function readOf(
  seen: readonly SeenObservation[],
  names: readonly string[],
  owners: readonly string[] = [],
): string {
  const pods = new Set(names);
  const of = new Set(owners);
  return seen
    .filter((o) => {
      if (o.status !== 'ok') return false;
      if (o.tool !== 'describe_pod' && o.tool !== 'get_pod_logs' && o.tool !== 'search_pod_logs')
        return false;
      const name = String(o.args['name'] ?? '');
      return pods.has(name) || of.has(podDeployment(name) ?? '');
    })
    .map((o) => o.content.slice(-200_000))
    .join('\n');
}

/**
 * The names and cluster IPs of the Services (of any listing read) whose selector picks the pods of
 * workload `name` (`app=name`): a client reaches them by either.
 */
function servicesOf(seen: readonly SeenObservation[], name: string): string[] {
  const out: string[] = [];
  for (const o of outputs(seen, 'list_services'))
    for (const r of parseTable(o.content.slice(0, 200_000))) {
      const selector = r['SELECTOR'] ?? '';
      if (!selector.split(',').some((kv) => kv.split('=')[1] === name) || !r['NAME']) continue;
      out.push(r['NAME']);
      const ip = r['CLUSTER-IP'] ?? '';
      if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) out.push(ip);
    }
  return out;
}

/** Names by which the other side may refer to a workload: its own names, its Services' names and addresses. */
function referredAs(seen: readonly SeenObservation[], names: readonly string[]): string[] {
  return [...new Set([...names, ...names.flatMap((n) => servicesOf(seen, n))])];
}

/** Words of a failed connection, as Go, Java, Node and libpq clients print them. */
const UNREACHED =
  /connection refused|econnrefused|connect: |i\/o timeout|timed out|no route to host|unreachable|could not connect|can't connect|cannot connect|failed to connect|connection reset/;

/**
 * Whether every line of `text` that names one of `names` names it as an address (`name:port`, or a
 * host of a URL) on a line that says a connection failed. Lines are cut to 2,000 characters.
 */
function failsToReach(text: string, names: readonly string[]): boolean {
  let any = false;
  for (const raw of text.split('\n')) {
    const line = raw.slice(0, 2000).toLowerCase();
    if (!namesWhole(line, names, 2)) continue;
    if (!UNREACHED.test(line)) return false;
    // As it is written (`checkout.OrderService` is a logger, `checkout.shop` a host); lower case only
    // finds it, so the two must line up.
    const cased = raw.slice(0, 2000);
    const asAddress =
      cased.length === line.length &&
      names.some((n) => {
        for (let i = line.indexOf(n); i >= 0; i = line.indexOf(n, i + 1)) {
          const after = cased.slice(i + n.length, i + n.length + 2);
          const before = cased.slice(Math.max(0, i - 3), i);
          if (/^:\d/.test(after) || /^\.[a-z]/.test(after)) return true;
          // The host of a URL without a port: `http://checkout/api`.
          if (before === '://' && /^(?:$|[/"'\s\\])/.test(after)) return true;
        }
        return false;
      });
    if (!asAddress) return false;
    any = true;
  }
  return any;
}

/**
 * The names the lower-case task gives with their kind: `deployment catalog-db`, `statefulset/orders-db`,
 * `daemonset node-agent` (at most 63 characters each, as a DNS label).
 */
export function kindNamed(lower: string): Set<string> {
  const out = new Set<string>();
  // Kind first, as kubectl prints it or as a name is quoted: `deployment x`, `deploy/x`,
  // `deployment.apps/x`, `statefulset "x"`.
  for (const m of lower.matchAll(
    /\b(?:deploy(?:ment)?|statefulset|sts|daemonset|ds)(?:\.apps)?(?:\/|\s["']?)([a-z0-9][a-z0-9-]{0,62})\b/g,
  ))
    out.add(m[1]!.replace(/-+$/, ''));
  // Kind after the name, as English puts it (`the orders-db statefulset`): only a name with a dash or a
  // digit, so `the deployment` or `our statefulset` give none.
  for (const m of lower.matchAll(/\b([a-z0-9][a-z0-9-]{0,62}) (?:deployment|statefulset|daemonset)\b/g))
    if (/[-\d]/.test(m[1]!)) out.add(m[1]!.replace(/-+$/, ''));
  return out;
}

/**
 * `findings` (strongest first) with the strongest cause on a workload the task names moved to the front,
 * when the front is on the pods of a workload the task does not name and nothing read ties the two.
 * Returns the same array when nothing moves.
 */
export function namedFirst(
  findings: Finding[],
  task: string,
  ns: string,
  hints: readonly string[],
  seen: readonly SeenObservation[],
): Finding[] {
  const top = findings[0];
  if (!top || !MOVABLE.test(top.object) || ELSEWHERE.test(top.object)) return findings;
  const words = withoutSites(unquoted(task).toLowerCase());
  // The namespace's own name names only the workload called exactly that (`checkout` in namespace
  // checkout), not every name it prefixes (`apm-alert-mailer` in namespace apm).
  const named = hints.filter((h) => h !== ns && namesWhole(words, [h]));
  // What serves the task's URL (its Ingress's Services and the workloads they select) is named too.
  const serving = servingPath(task, ns, seen);
  const isNamed = (f: Finding) =>
    objectNames(f.object).some(
      (n) => matchesHint(n, named) || (n === ns && namesWhole(words, [ns])) || serving.has(n),
    ) || matchesHint(subjectOf(f.cause), named);
  // A workload the task names with its kind (`deployment catalog-db`) outranks one a word of the task only
  // prefixes (`product page` for `product-embeddings`).
  const byKind = kindNamed(words);
  const isByKind = (f: Finding) => objectNames(f.object).some((n) => byKind.has(n));
  const explicit =
    byKind.size > 0 &&
    !isByKind(top) &&
    findings.some((f) => f.weight >= NAMED_CAUSE_WEIGHT && WORKLOAD.test(f.object) && isByKind(f));
  // A finding that says why the object the run searched for and found (`find_objects`, the object the person
  // asks about) fails, its cause opening with that object (`fluentd-2fwg6's requests to elasticsearch time
  // out because …`), outranks one a common word of the task only prefixes (`log` of "log volume" for
  // `log-archive`). Only such a finding: the searched object's own failure is often the symptom of the
  // cause named first.
  const searched = foundTerms(seen);
  const isFound = (f: Finding) => matchesHint(subjectOf(f.cause), searched);
  const explicitFound =
    !explicit &&
    searched.length > 0 &&
    !isFound(top) &&
    !objectNames(top.object).some((n) => matchesHint(n, searched)) &&
    findings.some((f) => f.weight >= NAMED_CAUSE_WEIGHT && WORKLOAD.test(f.object) && isFound(f));
  if (!explicit && !explicitFound && isNamed(top)) return findings;
  const at = findings.findIndex(
    (f) =>
      f.weight >= NAMED_CAUSE_WEIGHT &&
      // A Service leads when it serves the task's URL, or when the task names it (its selector matches no
      // pod of the workload the person asks about).
      (WORKLOAD.test(f.object) || serving.has(SERVICE.exec(f.object)?.[1] ?? '') || SERVICE.test(f.object)) &&
      (explicit ? isByKind(f) : explicitFound ? isFound(f) : isNamed(f)),
  );
  if (at <= 0) return findings;
  const lead = findings[at]!;
  const topNames = objectNames(top.object);
  const namedNames = objectNames(lead.object);
  // Either finding names the other (an analyzer tied them: the consumer scaled to zero that the named
  // producer's queue waits on), or the named workload's description or log reaches the other's names,
  // Service or address (two-letter Service names such as `db` included): the other is upstream.
  const topAs = referredAs(seen, topNames);
  const namedAs = referredAs(seen, namedNames);
  if (namesWhole(said(lead), topAs, 2)) return findings;
  // The other finding names the named workload only as the address it fails to reach (`dial tcp
  // checkout:8080: connect: connection refused`): the named workload is upstream, so its own cause leads.
  if (namesWhole(said(top), namedAs, 2) && !failsToReach(said(top), namedAs)) return findings;
  // A Service that leads stands for the pods it selects: the workloads its selector names.
  const servedBy = SERVICE.test(lead.object) ? [...namedNames, ...serving] : [];
  if (namesWhole(readOf(seen, namedNames, servedBy), topAs, 2)) return findings;
  return [lead, ...findings.slice(0, at), ...findings.slice(at + 1)];
}
