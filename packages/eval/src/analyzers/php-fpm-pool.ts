import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  loggedLines,
  outputs,
  ownerDeployment,
} from './types.js';

/** php-fpm's notice that its pool has every child it may have (`server reached pm.max_children setting (8)`). */
const MAX_CHILDREN = /server reached pm\.max_children setting \((\d{1,5})\)/;

/**
 * A php-fpm pool with every child busy: pm.max_children caps the worker processes of a pool, and when
 * all of them are busy php-fpm logs that it reached the setting (php.net, "FPM configuration",
 * pm.max_children) and new requests wait in the listen queue, so the web server in front (nginx's
 * fastcgi_pass) times out with 504 or 502 while the pods run and pass their probes. Found from the
 * php-fpm log; when the container sets the limit through an environment variable holding the logged
 * value (a `*MAX_CHILDREN` variable, as images templating www.conf from the environment do), the fix
 * doubles it (an approved `set_env`).
 */
export const phpFpmPoolAnalyzer: Analyzer = {
  name: 'php-fpm-pool',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    const hit = loggedLines(seen, ns, (l) => l.length <= 2000 && MAX_CHILDREN.test(l))[0];
    if (!hit) return [];
    const limit = MAX_CHILDREN.exec(hit.line)![1]!;
    const pod = String(hit.log.args['name'] ?? '');
    const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
    const owner = d ? ownerDeployment(d.content) : undefined;
    const sections = d ? containerSections(d.content).filter((c) => !c.init) : [];
    const c =
      sections.find((s) => s.name === hit.log.args['container']) ??
      sections.find((s) => /php|fpm/i.test(s.name)) ??
      sections[0];
    const variable = c
      ? new RegExp(`^\\s{2,}([A-Z0-9_]{0,40}MAX_CHILDREN[A-Z0-9_]{0,20}):\\s+${limit}\\s*$`, 'm').exec(
          c.body,
        )?.[1]
      : undefined;
    const raised = String(Math.max(Number(limit) * 2, Number(limit) + 4));
    const count = loggedLines(seen, ns, (l) => MAX_CHILDREN.test(l)).length;
    const out: Finding = {
      weight: 90,
      object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
      cause: `php-fpm's pool is saturated: it runs as many children as pm.max_children allows (${limit}) and all of them are busy ("${clip(hit.line.trim(), 150)}"), so new requests queue in php-fpm's listen backlog until a child frees up, and the web server in front times out waiting for the FastCGI answer (504/502) although the pods are Running and Ready${count > 1 ? ` (${count} pods log it)` : ''}; it is the pool size, not the database${variable ? `: the container sets it through ${variable}=${limit}` : ''}`,
      evidence: [
        `get_pod_logs ${pod}: "${clip(hit.line.trim(), 160)}"`,
        ...(variable ? [`describe_pod ${pod}: ${variable}: ${limit}`] : []),
      ],
      advice: `raise pm.max_children${variable ? ` (${variable})` : ''} above ${limit}, as far as the memory limit allows (each child takes its own memory), or add replicas`,
      revisionSound: true,
      ...(variable && c
        ? envFix(
            ns,
            owner,
            c.name,
            [{ name: variable, value: raised }],
            `set ${variable}=${raised} on ${owner}/${c.name}, so php-fpm may run ${raised} children instead of ${limit}`,
          )
        : {}),
    };
    return [out];
  },
};
