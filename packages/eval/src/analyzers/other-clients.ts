import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { errorLines, warningLines } from './app-errors.js';
import {
  calledService,
  rolloutSaid,
  serverHistory,
  serverPods,
  type Target,
  wordsOf,
} from './dependency-side.js';
import { RECENT } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/** Namespaces of the cluster's own components, where no application client of a team's server runs. */
const SYSTEM_NS = /^(?:kube-system|kube-public|kube-node-lease|local-path-storage)$/;
/** At most this many namespaces are listed, and this many other clients' logs read, per run. */
const MAX_LISTED = 2;
const MAX_CANDIDATES = 2;
/**
 * A name with parts (`flags:checkout`, `orders.v2`, `cache/sessions`): a key, an index, a topic or a
 * path two programs may both name. Each part starts with a letter and at most five are taken, so
 * the pattern is linear; the lookbehind keeps it from starting inside a URL or a longer name.
 */
const IDENTIFIER = /(?<![\w:./-])([a-z][a-z0-9_-]{1,40}(?:[:./][a-z][a-z0-9_-]{0,40}){1,4})/gi;
/** A deployment's pod name (`<deployment>-<template hash>-<5>`). */
const DEPLOYMENT_POD = /-[bcdfghjklmnpqrstvwxz2-9]{6,10}-[bcdfghjklmnpqrstvwxz2-9]{5}$/;

/** The multi-part names a text holds (lowercased), hosts and URLs of `exclude` aside. */
function identifiersIn(text: string, exclude: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const m of text.slice(0, 50_000).matchAll(IDENTIFIER)) {
    const id = m[1]!.toLowerCase().replace(/[:./]+$/, '');
    if (!/[:./]/.test(id) || exclude.some((x) => id.includes(x))) continue;
    // A name with a long number (`clm-2026-118204/scan-1.pdf`) is one item's: the same record passing
    // through two programs, not something both keep on the server.
    if (/\d{3}/.test(id)) continue;
    // A host name of the cluster (`x.y.svc`) or a file name (`app.log`) links nothing.
    if (/\.svc\b|\.(?:log|txt|json|ya?ml|conf|cfg|py|js|java|go|rb|so)$/.test(id)) continue;
    out.add(id);
  }
  return out;
}

interface Candidate {
  pod: string;
  namespace: string;
  age: string;
}

/** The namespaces whose pods the run listed, by name. */
function listedNamespaces(seen: readonly SeenObservation[]): string[] {
  return [
    ...new Set(
      outputs(seen, 'list_pods', (o) => !o.args['labelSelector']).map((o) =>
        String(o.args['namespace'] ?? ''),
      ),
    ),
  ].filter(Boolean);
}

/**
 * The pods that may be another client of the failing client's server: Running or finished pods,
 * started within the day, in any namespace whose pods were listed, that are neither the client's
 * workload nor the server's. Those whose workload's name shares a word with the failure lines come
 * first, then the youngest.
 */
function candidates(ctx: AnalyzerContext, t: Target): Candidate[] {
  const own = ownerName(t.client);
  const server = new Set((serverPods(ctx.seen, t) ?? []).map((r) => r['NAME'] ?? ''));
  const said = new Set(t.failures.flatMap((l) => [...wordsOf(l)]));
  const out: (Candidate & { rank: number; seconds: number })[] = [];
  for (const ns of listedNamespaces(ctx.seen)) {
    if (SYSTEM_NS.test(ns)) continue;
    const listed = podListOf(ctx.seen, ns);
    for (const r of parseTable(listed?.content ?? '')) {
      const pod = r['NAME'] ?? '';
      const seconds = ageSeconds(r['AGE'] ?? '');
      if (!pod || server.has(pod) || ownerName(pod) === own || ownerName(pod) === t.service) continue;
      if (!/^(?:Running|Completed|Succeeded)$/.test(r['STATUS'] ?? '')) continue;
      if (seconds === undefined || seconds >= RECENT) continue;
      const named = [...wordsOf(ownerName(pod).replace(/-/g, ' '))].some((w) => said.has(w)) ? 1 : 0;
      out.push({ pod, namespace: ns, age: r['AGE'] ?? '', rank: named, seconds });
    }
  }
  out.sort((a, b) => b.rank - a.rank || a.seconds - b.seconds);
  return out.slice(0, MAX_CANDIDATES);
}

interface Linked {
  candidate: Candidate;
  /** What it does there: lines of its log that are not failures and name what the client's failures name. */
  doing: string[];
  /** A failure of its own about the same thing, if it logs one. */
  failing: string | undefined;
  strong: boolean;
}

/** How much a line of another client's log shares with the failure lines: names (3 each) and words (1 each, at most 3). */
function shared(
  line: string,
  ids: ReadonlySet<string>,
  words: ReadonlySet<string>,
  exclude: readonly string[],
) {
  const idHits = [...identifiersIn(line, exclude)].filter((i) => ids.has(i)).length;
  const wordHits = [...wordsOf(line)].filter((w) => words.has(w)).length;
  return { score: Math.min(idHits, 2) * 3 + Math.min(wordHits, 3), idHits };
}

/** The candidate whose read log says it works on what the client's failures name, if one does. */
function linked(ctx: AnalyzerContext, t: Target): Linked | undefined {
  const exclude = [t.service, t.client];
  const ids = identifiersIn(t.failures.join('\n'), exclude);
  for (const c of candidates(ctx, t)) {
    const log = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === c.namespace && o.args['name'] === c.pod && !o.args['previous'],
    ).pop();
    if (!log) continue;
    // The two sides' own names link every line that names them: not a shared word.
    const names = wordsOf([t.service, t.namespace, t.client, t.clientNs, c.pod, c.namespace].join(' '));
    const words = new Set(t.failures.flatMap((l) => [...wordsOf(l)]).filter((w) => !names.has(w)));
    const lines = log.content.slice(-200_000).split('\n').slice(-2000);
    const failed = new Set([...errorLines(lines.join('\n')), ...warningLines(lines.join('\n'))]);
    const scored = lines
      .map((line, at) => ({ line: line.trim(), at, ...shared(line, ids, words, exclude) }))
      .filter(
        (s) => s.line && s.line.length <= 4000 && !/^\(no log lines|^Defaulted container "/.test(s.line),
      );
    const doing = scored
      .filter((s) => !failed.has(lines[s.at]!) && s.score >= 2)
      .sort((a, b) => b.score - a.score || a.at - b.at)
      .slice(0, 2)
      .sort((a, b) => a.at - b.at);
    const failing = scored
      .filter((s) => failed.has(lines[s.at]!) && s.score >= 3)
      .sort((a, b) => b.score - a.score)[0];
    const best = Math.max(0, ...doing.map((d) => d.score), failing?.score ?? 0);
    if (doing.length === 0 || best < 3) continue;
    return {
      candidate: c,
      doing: doing.map((d) => d.line),
      failing: failing?.line,
      strong: doing.some((d) => d.idHits > 0),
    };
  }
  return undefined;
}

/**
 * Another client of the same server, changed within the day. A Running client logs failures from a
 * server it calls (its failure lines or its address variables name the Service); the engineer's next
 * question is what else uses that server and what changed there: a second program that rewrote a
 * key's type, keeps cursors or scroll contexts open, scans every key, or loads data in bulk breaks
 * the first one's calls while the server itself and the first program are unchanged. The pods of the
 * cluster's namespaces (at most two more listed) that started within the day and belong to neither
 * side have their logs read (at most two); one whose log names what the failures name (a shared
 * multi-part name such as `flags:checkout`, or several distinctive words) in lines that are not
 * failures of its own is the lead, with its rollout's change cause when it is a Deployment's.
 * Reads only; the finding names it and advises changing what it does, never a mutation.
 */
export const otherClientsAnalyzer: Analyzer = {
  name: 'other-clients',
  reads(ctx): Read[] {
    const t = calledService(ctx);
    if (!t) return [];
    // The server's own log first (dependency-side's read): its side may explain the failures alone.
    const server = serverPods(ctx.seen, t);
    if (!server) return [];
    const found = linked(ctx, t);
    if (found) {
      const dep = DEPLOYMENT_POD.test(found.candidate.pod) ? ownerName(found.candidate.pod) : undefined;
      if (dep && !serverHistory(ctx.seen, found.candidate.namespace, dep))
        return [{ tool: 'get_rollout_history', args: { namespace: found.candidate.namespace, name: dep } }];
      return [];
    }
    // The logs of the candidates of the namespaces listed so far first, then one more namespace listed.
    for (const c of candidates(ctx, t)) {
      const read = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === c.namespace && o.args['name'] === c.pod,
      ).length;
      if (!read) return [{ tool: 'get_pod_logs', args: { namespace: c.namespace, name: c.pod } }];
    }
    const listed = new Set(listedNamespaces(ctx.seen));
    const all = namespaceNames(ctx.seen).filter((n) => !SYSTEM_NS.test(n));
    const unlisted = all.filter((n) => !listed.has(n));
    // Only in a cluster small enough to look through, and at most MAX_LISTED namespaces beyond the
    // two sides' and those the task names.
    const task = ctx.task.slice(0, 4000).toLowerCase();
    const beyond = [...listed].filter(
      (n) => n !== ctx.ns && n !== t.namespace && !SYSTEM_NS.test(n) && !task.includes(n),
    ).length;
    if (unlisted.length === 0 || all.length > 8 || beyond >= MAX_LISTED) return [];
    const next = unlisted.find((n) => n !== 'default') ?? unlisted[0]!;
    return [{ tool: 'list_pods', args: { namespace: next } }];
  },
  finds(ctx): Finding[] {
    const t = calledService(ctx);
    if (!t) return [];
    const found = linked(ctx, t);
    if (!found) return [];
    const c = found.candidate;
    const dep = DEPLOYMENT_POD.test(c.pod) ? ownerName(c.pod) : undefined;
    const change = dep ? rolloutSaid(serverHistory(ctx.seen, c.namespace, dep)?.content ?? '') : undefined;
    const who = dep ? `deployment ${dep}` : `pod ${c.pod}`;
    const failure = t.failures.find((l) => errorLines(l).length > 0) ?? t.failures[0] ?? '';
    const quoted = found.doing.map((l) => `"${clip(l, 220)}"`).join('; ');
    return [
      {
        weight: found.strong ? 74 : 70,
        object: `${who} in ${c.namespace}`,
        cause: `${t.client}'s failures ("${clip(failure, 200)}") follow from another client of the same server (the Service ${t.service} in namespace ${t.namespace}): ${who} in namespace ${c.namespace}, whose pods started ${c.age} ago${
          change
            ? ` with revision ${change.revision}${change.cause ? ` ("${clip(change.cause, 160)}")` : ''}${change.images ? `, which changed its image ${change.images}` : ''}`
            : ''
        }, logs what it does there: ${quoted}${found.failing ? `; it also reports "${clip(found.failing, 200)}"` : ''}. What it changed in, or keeps open on, the shared server is the lead for what ${t.client} now fails on`,
        evidence: [
          ...found.doing.map((l) => `get_pod_logs ${c.pod}: "${clip(l, 220)}"`),
          `get_pod_logs ${t.client}: "${clip(failure, 220)}"`,
          ...(change && dep
            ? [
                `get_rollout_history ${dep}: revision ${change.revision}${change.cause ? ` "${clip(change.cause, 120)}"` : ''}`,
              ]
            : []),
        ],
        advice: `change what ${who} in ${c.namespace} does on ${t.service} (or undo its recent change), not ${t.client} or the server`,
        revisionSound: true,
      },
    ];
  },
};
