import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/** A page that shows a PHP program's source instead of its output: `<?php`, "PHP source", "raw PHP". */
const SOURCE_SHOWN = /<\?php\b|\bphp (?:source|code)\b|\braw php\b/i;

/**
 * Apache httpd's start-up notice (`AH00489: Apache/2.4.63 (Unix) configured -- resuming normal
 * operations`, `AH00163:` under the prefork MPM). Its middle lists the loaded modules that announce
 * themselves: `PHP/8.3.14` when mod_php is loaded (the official php:apache images print it).
 */
const APACHE_STARTED =
  /\bAH00(?:489|163): (Apache\/[\d.]{1,20}(?: \([^)\n]{0,60}\))?([^\n]{0,300}?)) configured\b/;

/** Pods of the namespace whose Apache started without PHP, one per Deployment: pod, deployment, line. */
function apacheWithoutPhp(ctx: AnalyzerContext) {
  const out: { pod: string; deployment: string; line: string; banner: string }[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns && !x.args['previous'],
  )) {
    const pod = String(o.args['name'] ?? '');
    const deployment = podDeployment(pod);
    if (!deployment || out.some((r) => r.deployment === deployment)) continue;
    // The newest start of the log decides: a restart after a fix prints PHP again.
    const started = boundedLogLines(o.content)
      .map((l) => ({ l, m: APACHE_STARTED.exec(l.slice(0, 2000)) }))
      .filter((x) => x.m)
      .pop();
    if (!started || /\bPHP\/\d/.test(started.m![2]!)) continue;
    // PHP served by PHP-FPM beside Apache (mod_proxy_fcgi): the start-up line never names PHP then.
    if (
      outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod).some((x) =>
        /\bfpm is running\b|\bphp-fpm\b/i.test(x.content.slice(-200_000)),
      )
    )
      continue;
    out.push({ pod, deployment, line: started.l.trim(), banner: started.m![1]! });
  }
  // The task names the workload whose pages show source: only that one, not another site of the namespace.
  const named = namedIn(ctx.task, [
    ...new Set(
      outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)
        .map((x) => podDeployment(String(x.args['name'] ?? '')))
        .filter((d): d is string => !!d),
    ),
  ]);
  return named.length > 0 ? out.filter((r) => named.includes(r.deployment)) : out;
}

/** The names the task writes as words (`planner` in "The planner shows …"). */
function namedIn(task: string, names: readonly string[]): string[] {
  const t = task.toLowerCase();
  return names.filter((n) => {
    for (let at = t.indexOf(n); at >= 0; at = t.indexOf(n, at + 1)) {
      const before = t[at - 1] ?? ' ';
      const after = t[at + n.length] ?? ' ';
      if (!/[a-z0-9-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
    }
    return false;
  });
}

/** Whether the task or a log line of the namespace says a page shows PHP source. */
function sourceShown(ctx: AnalyzerContext): string | undefined {
  if (SOURCE_SHOWN.test(ctx.task)) return 'the task';
  // Not a request line that carries `<?php` (an internet scanner's probe), only what a page returned.
  for (const o of outputs(ctx.seen, 'get_pod_logs'))
    for (const l of boundedLogLines(o.content))
      if (l.length <= 4000 && SOURCE_SHOWN.test(l) && !/"(?:GET|POST|HEAD|PUT|DELETE|PATCH|OPTIONS) /.test(l))
        return `"${clip(l.trim(), 160)}" (${o.args['name']})`;
  return undefined;
}

/**
 * A web server that sends PHP files out as text: pages show the program's source (`<?php …`) instead of
 * its output, while every request answers 200 and the pods are Ready. Apache's own start-up line names
 * the modules it loaded, and with mod_php it names `PHP/<version>`; a start without it means the image
 * the pods run has no PHP in its web server (a rebuilt or rebased image, a plain httpd base), so `.php`
 * files are served as static files. The reads: the serving Deployment's rollout history (which image
 * came with the latest revision). With no fix of its own, a rollout that changed the image makes its
 * rollback (or the previous image) the fix.
 */
export const scriptSourceAnalyzer: Analyzer = {
  name: 'script-source',
  reads(ctx): Read[] {
    if (!sourceShown(ctx)) return [];
    return apacheWithoutPhp(ctx)
      .filter((r) => !outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === r.deployment).length)
      .slice(0, 2)
      .map((r) => ({ tool: 'get_rollout_history', args: { namespace: ctx.ns, name: r.deployment } }));
  },
  finds(ctx): Finding[] {
    const said = sourceShown(ctx);
    if (!said) return [];
    return apacheWithoutPhp(ctx).map((r) => ({
      weight: 80 + bonus(r.deployment, ctx.hints),
      // The pod that shows it: a release that replaced every pod of the Deployment with a new image
      // takes the rollout as its cause and its rollback (or the previous image) as the fix.
      object: `pod ${r.pod}`,
      cause: `the web server of ${r.deployment} sends its PHP files out as plain text instead of running them, so pages show the program's source ("<?php …", as ${said} says) while every request answers 200: Apache's start-up line in pod ${r.pod} names no PHP module ("${clip(r.banner, 80)} configured"; a server with mod_php loaded names PHP/<version> there), so the image it runs has no PHP in its web server (mod_php not installed or not loaded)`,
      evidence: [`get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`],
      advice: `run ${r.deployment} on an image whose web server has PHP (the previous image, or the new base with mod_php or PHP-FPM added); the ingress and its caching are not the cause`,
    }));
  },
};
