import { otherLines } from '../../../analyzers/app-errors.js';
import { envOf } from '../../../analyzers/env-values.js';
import { glossedLine, logGloss } from '../../../analyzers/log-glosses.js';
import {
  httpProbeTarget,
  httpProbeWithPath,
  probePathLatency,
  setProbeFix,
} from '../../../analyzers/probes.js';
import { saysNothing, siblingFailures } from '../../../analyzers/sibling-logs.js';
import {
  clip,
  configMapText,
  containerSections,
  describedField,
  setEnvFix,
} from '../../../analyzers/types.js';
import { userNamespaceEnospc } from '../../../analyzers/user-namespace-limit.js';
import {
  configError,
  dependencyDown,
  dependencyHosts,
  dependencyNamespace,
  envNamesAfter,
  escapeRe,
  exitCodeLine,
  firstLine,
  gist,
  lastFinishedAgo,
  lastStateMessage,
  logLines,
  missingEnvLine,
  missingVariableSaid,
  mountedConfigMap,
  PAST_CRASH_SECONDS,
  podRows,
  serviceElsewhere,
  serviceMissing,
  servicesAt,
  TELLING,
  tellingLine,
} from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/**
 * The line printed just before `line` (its last occurrence in `lines`), when it is an ordinary line of at
 * most 300 characters: not empty and not the same message again (numbers and times aside).
 */
function lineBefore(lines: readonly string[], line: string): string | undefined {
  const at = lines.lastIndexOf(line);
  const before = at > 0 ? lines[at - 1]!.trim() : '';
  const message = (l: string) => l.trim().replace(/\d+/g, '#');
  return before && before.length <= 300 && message(before) !== message(line) ? before : undefined;
}

/**
 * The line a parser's error names in a file (`/etc/alloy/config.alloy:36:20: expected …`), when the log
 * prints that line under the error with its number and a gutter (`36 |     value  = value = "x"`), as
 * Alloy, Rust's and Go's tools and many parsers do: the file, the line number, the line's text, and the
 * name written twice when the line assigns a name to itself (`value = value = …`).
 */
function sourceLine(
  log: string,
  fatal: string,
): { file: string; line: number; text: string; doubled: string | undefined } | undefined {
  const at = /(\/[\w./-]{1,200}\.[A-Za-z]{1,12}):(\d{1,6})(?::\d{1,5})?\b/.exec(fatal.slice(0, 2000));
  if (!at) return undefined;
  const n = at[2]!;
  const gutter = new RegExp(`^\\s{0,8}${n}\\s{0,2}\\|\\s?(.{1,400})$`);
  const text = logLines(log)
    .map((l) => gutter.exec(l)?.[1])
    .find((t): t is string => t !== undefined && t.trim() !== '');
  if (!text) return undefined;
  const doubled = /\b([A-Za-z_][\w.-]{0,60})\s{0,4}=\s{0,4}\1\s{0,4}=/.exec(text)?.[1];
  return { file: at[1]!, line: Number(n), text: text.trim(), doubled };
}

/**
 * The settings a configuration validator points at, as it prints them under its error: the setting's path
 * and value on one line, then a caret line with what is wrong (Ory's validator: `identity: <nil>` then
 * `^-- one or more required properties are missing`). At most eight, from the first 5,000 lines.
 */
export function pointedSettings(log: string): { path: string; value: string; message: string }[] {
  const out: { path: string; value: string; message: string }[] = [];
  const lines = logLines(log).slice(0, 5000);
  for (let i = 1; i < lines.length && out.length < 8; i++) {
    const caret = /^\s{0,200}\^-{1,3}\s?(\S.{0,300})$/.exec(lines[i]!.slice(0, 600));
    if (!caret) continue;
    const setting = /^\s{0,40}([A-Za-z_][\w.[\]-]{0,200}):\s?(.{0,200})$/.exec(lines[i - 1]!.slice(0, 600));
    if (setting && !out.some((o) => o.path === setting[1]))
      out.push({ path: setting[1]!, value: setting[2]!.trim(), message: caret[1]!.trim() });
  }
  return out;
}

/** What the pointed settings say, in a sentence: the required ones missing first, then the others. */
function pointedSaid(pointed: readonly { path: string; value: string; message: string }[]): string {
  const missing = pointed.filter((p) => /required/i.test(p.message) && /^(?:<nil>|null|)$/.test(p.value));
  const other = pointed.filter((p) => !missing.includes(p));
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(
      `the configuration lacks the required setting${missing.length === 1 ? '' : 's'} ${missing.map((p) => p.path).join(', ')}: the validator marks ${missing.length === 1 ? 'it' : 'each'} "${clip(missing[0]!.message, 80)}", so add ${missing.length === 1 ? 'it' : 'them'} to the configuration file`,
    );
  for (const p of other.slice(0, 3))
    parts.push(
      `the validator points at ${p.path} (${clip(p.value, 60) || 'empty'}): "${clip(p.message, 100)}"`,
    );
  return parts.join('; ');
}

/**
 * The init script that was running when `line` was logged: the last `/docker-entrypoint-initdb.d/<file>:
 * running` or `running /docker-entrypoint-initdb.d/<file>` (`sourcing` for a script without its exec bit:
 * PostgreSQL's, MySQL's, MariaDB's and MongoDB's entrypoints) within the 200 lines before it, unless the
 * init phase ended in between ("init process complete"). Undefined when none ran.
 */
export function initScriptBefore(text: string, line: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.lastIndexOf(line);
  if (at < 0) return undefined;
  for (let i = at - 1; i >= Math.max(0, at - 200); i--) {
    const l = lines[i]!.slice(0, 2000);
    // The init phase ended before the line: the server that failed is the real one, not a script.
    if (/init process complete|MySQL init process done|entrypoint script for MySQL Server .* ready/i.test(l))
      return undefined;
    const m =
      /\/docker-entrypoint-initdb\.d\/([\w.-]{1,200}): (?:running|sourcing)\b/.exec(l) ??
      /\b(?:running|sourcing) \/docker-entrypoint-initdb\.d\/([\w.-]{1,200})/.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

/** A container that crashes on start, explained by the line of its log that says why. */
export const crash: ContainerSignature = {
  name: 'crash',
  stops: false,
  find(x, f) {
    const {
      described: d,
      pod,
      owner,
      objectLabel,
      bonus: b,
      container: c,
      kind,
      last,
      now,
      restarts,
      exit,
      logs,
    } = x;
    const { ns, seen, tools } = f;
    // The pod ran past its activeDeadlineSeconds: the kubelet stopped it (Failed, DeadlineExceeded) and
    // killed its containers; no crash of the program's own.
    const head = d.content.slice(0, Math.max(0, d.content.indexOf('\nContainers:')) || 20_000);
    if (now.state === 'Terminated' && /^Reason:\s+DeadlineExceeded\s*$/m.test(head)) {
      const message = /^Message:\s+(.{1,300})$/m.exec(head)?.[1]?.trim();
      const lastLine = logLines(logs?.content ?? '')
        .filter((l) => l.trim() !== '' && l.length <= 4000)
        .at(-1)
        ?.trim();
      return {
        weight: 80 + b,
        object: objectLabel,
        cause: `pod ${pod} was stopped at its deadline (Status Failed, Reason DeadlineExceeded${message ? `: "${clip(message, 160)}"` : ''}): it ran longer than its activeDeadlineSeconds allow, so the kubelet killed its containers (${kind} ${c.name}, exit code ${exit ?? 'unknown'}); ${lastLine ? `its log ends at "${clip(lastLine, 160)}", where it was when the deadline came: the work takes longer than the deadline allows, or it hung there` : 'the work takes longer than the deadline allows, or it hung'}`,
        evidence: [
          `describe_pod ${pod}: Status Failed, Reason DeadlineExceeded; ${kind} ${c.name} Terminated, Exit Code ${exit ?? 'unknown'}`,
          ...(lastLine ? [`logs of ${pod}: "${clip(lastLine, 160)}"`] : []),
        ],
        advice:
          "find why the run takes that long (where its log stops), then raise the pod's activeDeadlineSeconds if the work needs longer",
      };
    }
    // Running again after one or two restarts is not a crash loop (a node reboot ends containers with
    // exit code 255, reason Unknown): a loop shows CrashLoopBackOff, a container not running, or restarts.
    // Running and Ready again long after its last exit: a crash loop that ended (the kubelet's back-off
    // is at most five minutes, so a loop restarts far more often), not a crash now.
    const settled =
      now.state === 'Running' &&
      (Number(restarts ?? 0) < 3 ||
        (/^\s*Ready:\s*True\b/m.test(c.body) && (lastFinishedAgo(c.body) ?? 0) >= PAST_CRASH_SECONDS));
    // A container that ended with an error and is not started again, in a bare pod (restartPolicy Never
    // or OnFailure, such as a CI agent's): its current state is the crash. Not a controller's pod (a
    // Deployment's evicted or preempted pod is replaced; a Job's pods are the Job analyzer's, its
    // backoffLimit and conditions say more), and not one whose sibling of the same name prefix completed
    // (a retry that went through).
    const endedForGood =
      now.state === 'Terminated' &&
      now.reason === 'Error' &&
      Number(restarts ?? 0) === 0 &&
      // Killed (137 SIGKILL, 143 SIGTERM: a deadline, a node drain), not a program that gave up.
      exit !== 137 &&
      exit !== 143 &&
      owner === undefined &&
      !/^(?:Status:\s+Failed \((?:Evicted|Preempt|DeadlineExceeded)|Reason:\s+(?:Evicted|Preempt|DeadlineExceeded))/m.test(
        x.described.content.slice(0, 20_000),
      ) &&
      /^Controlled By:\s+<none>\s*$/m.test(x.described.content.slice(0, 20_000)) &&
      !/\bjob-name=/.test(x.described.content.slice(0, 20_000)) &&
      !podRows(seen, ns).some((r) => r.name === pod && r.retried);
    if (
      exit !== undefined &&
      exit !== 0 &&
      !settled &&
      (last.reason !== undefined || /CrashLoopBackOff/.test(now.reason ?? '') || endedForGood)
    ) {
      const own = logs?.content ?? '';
      // A container whose own log says nothing of why it stopped ("Oops... something went wrong."): the
      // failure lines another container of the pod shows (a tailed log file) say it instead.
      const sibling = logs && saysNothing(own) ? siblingFailures(seen, ns, pod, c.name) : undefined;
      const logText = sibling ? `${own}\n${sibling.lines.join('\n')}` : own;
      const killed = livenessKill(exit, last.reason, c.body, logText);
      if (killed) {
        const fix =
          owner && killed.probe
            ? setProbeFix(
                ns,
                owner,
                c.name,
                'liveness',
                { ...killed.probe, timeoutSeconds: killed.timeout },
                `raise the liveness probe's timeoutSeconds of ${owner}/${c.name} from ${killed.current} to ${killed.timeout}: its log shows the health check taking up to ${killed.latency} s`,
              )
            : undefined;
        return {
          weight: 88 + b,
          object: objectLabel,
          cause: `the ${kind} ${c.name} is killed by the kubelet (exit code 137, SIGKILL, reason Error, not OOMKilled) because its liveness probe times out: the probe waits ${killed.current} s (timeoutSeconds) for ${killed.path}, and the program's own log shows its health check taking ${killed.latency} s ("${clip(killed.line, 120)}"), longer when it is busy, so the kubelet restarts a program that is working and the restarts take capacity away under load`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Last State Terminated, Reason Error, Exit Code 137${restarts ? `, Restart Count ${restarts}` : ''}`,
            `Liveness: ${clip(killed.line2, 100)}`,
            `previous logs: "${clip(killed.line, 140)}"`,
          ],
          ...(fix ? { fix } : {}),
          advice: `give the liveness probe a timeout above the health check's time under load (${killed.timeout} s), or make the liveness check cheap (no database call)`,
        };
      }
      const said = missingVariableSaid(logText);
      // A well-known message that says what it needs in a variable's words ("OPLOG / REPLICASET IS
      // REQUIRED"): its known meaning explains the crash, not a variable left unset.
      const envSaid = said !== undefined && logGloss(said) !== undefined ? undefined : said;
      // A runtime's own way of failing on an unset variable (Python's KeyError from os.environ,
      // pydantic-settings' "Field required", Rust's NotPresent).
      const envRuntime = envSaid ? undefined : missingEnvLine(logText);
      const envLine = envSaid ?? envRuntime?.line;
      // "unavailable" as a state, not as a warning's "will (may) be unavailable when …".
      const DEPENDENCY =
        /connection refused|no such host|host not found|bad address|could not resolve|could not connect|connect(ion)? (timed out|timeout)|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|dial tcp|(?<!(?:will|may|might|would|could) be )unavailable/i;
      const firstDep = firstLine(logText, DEPENDENCY);
      // A public dial that timed out and was retried: when a later line fails on another dependency, that
      // one is what the program stopped on (the first was a retry that went through).
      const laterDep =
        firstDep && publicTimeout(firstDep)
          ? logText
              .slice(logText.indexOf(firstDep) + firstDep.length)
              .split('\n')
              .filter((l) => l.length <= 4000 && DEPENDENCY.test(l) && !publicTimeout(l))
              .pop()
          : undefined;
      const depLine = laterDep ?? firstDep;
      // ENOSPC from creating a user namespace is a node's limit, not a disk (user-namespace-limit).
      const diskLine = logText
        .split('\n')
        .find(
          (l, i, all) =>
            /No space left on device|ENOSPC|disk full/i.test(l) && !userNamespaceEnospc(l, all[i + 1]),
        );
      // The line that explains a crash: the most specific one (a permission, an unknown flag, a
      // missing file), else a fatal or panic line, else an error-like one, else the last line printed.
      // A well-known error whose meaning is known explains the crash before any other line.
      const glossed = glossedLine(logText);
      // A line that names the exit code the container ended with is the program saying why it stopped.
      const exitLine = glossed ? undefined : exitCodeLine(logText, exit);
      // The line the program printed just before it (what it measured, the limit it compared with).
      const exitBefore = exitLine ? lineBefore(logLines(logText), exitLine) : undefined;
      const lastSaid = tellingLine(logText) ?? logLines(logText).pop();
      // The glossed line's meaning as the lines around it make it precise (see `glossedLine`).
      const meaningOf = (l: string) => (glossed && l === glossed.line ? glossed.means : logGloss(l));
      const fatal =
        glossed?.line ??
        exitLine ??
        (lastSaid ? (namedDetail(logText, lastSaid) ?? lastSaid) : undefined) ??
        lastStateMessage(c.body);
      let cause: string;
      let weight = 70;
      let config: { file?: string; map?: string } | undefined;
      let advice: string | undefined;
      // A set_env that names a dependency with its namespace (a short name the pod's namespace lacks).
      let nameFix: ReturnType<typeof setEnvFix> | undefined;
      // A scale_deployment that brings back a dependency scaled to zero (to the count it had).
      let scaleFix: ReturnType<typeof setEnvFix> | undefined;
      if (envLine) {
        // The variable's name, not the line's log level.
        const named = (w: string) =>
          w.includes('_') || envLine.includes(`"${w}"`) || envLine.includes(`'${w}'`);
        const v =
          envRuntime?.name ??
          // The word right after "variable" or "env" names it (`environment variable PORT is not set`).
          /\b(?:variable|env(?:ironment)?(?: var)?)\s{1,3}["'`]?([A-Z][A-Z0-9_]{1,100})\b/.exec(
            envLine,
          )?.[1] ??
          [...envLine.matchAll(/\b([A-Z][A-Z0-9_]{2,})\b/g)]
            .map((m) => m[1]!)
            .filter((w) => !/^(ERROR|WARN|WARNING|INFO|DEBUG|FATAL|CRITICAL|PANIC|TRACE|ERR)$/.test(w))
            // A variable's name has an underscore or stands quoted (`"SECRETS_SYSTEM"`, `'DSN'`); a bare
            // acronym of the prose (SQL, API) comes last.
            .sort((a, b) => Number(!named(a)) - Number(!named(b)))[0] ??
          envNamesAfter(logText, envLine).join(', ');
        // The variable is in the container's environment and the program says it "is not set or changed":
        // it is set, to a value other than the one the program's stored data was made with.
        const setHere =
          v && /^[A-Z][A-Z0-9_]{0,127}$/.test(v) && new RegExp(`^\\s{2,12}${v}:\\s`, 'm').test(c.body);
        cause =
          setHere && /\bchanged\b/i.test(envLine)
            ? `the ${kind} ${c.name} crashes on start (exit code ${exit}): the environment variable ${v} is set, but not to the value the program needs (its log says it "is not set or changed")`
            : `the ${kind} ${c.name} crashes on start (exit code ${exit}): a required environment variable${v ? ` ${v}` : ''} is missing`;
        weight = 84;
        // envFrom with a prefix renames every key it loads: SMTP_HOST arrives as APP_SMTP_HOST.
        const prefixed = /<all keys from (ConfigMap|Secret) (\S{1,253}) with prefix '([^']{1,253})'>/.exec(
          c.body,
        );
        if (prefixed && v) {
          cause += `: its envFrom loads ${prefixed[1]} ${prefixed[2]} with the prefix ${prefixed[3]}, which is prepended to every key, so the key ${v} arrives as ${prefixed[3]}${v} and ${v} itself is not set; drop the prefix, or read the renamed variable`;
          weight = 90;
        }
      } else if (diskLine) {
        // ENOSPC also when the filesystem has bytes left but no inodes (one per file): a program's own
        // disk check (`iused=1310720 (100%) ifree=0`, df -i's IUse% 100%) tells the two apart.
        const inodes = logText
          .split('\n')
          .find(
            (l) =>
              l.length <= 2000 &&
              /\bifree[=:]\s{0,2}0\b|\b(?:iused|IUse%?|inodes? used)[=:]?\s{0,2}(?:\d{1,12}\s{0,2}\()?100\s?%|\b(?:no (?:free )?inodes|inodes? (?:exhausted|used up|are full))\b/i.test(
                l,
              ),
          );
        cause = inodes
          ? `the ${kind} ${c.name} crashes (exit code ${exit}) with No space left on device because its volume has run out of inodes, not bytes: its own disk check says "${clip(inodes.trim(), 160)}". Every file takes one inode, and a program that keeps many small files uses them all up while bytes are still free (a size dashboard shows room, df -i shows 100 %); delete the files that piled up (and whatever should have removed them), or recreate the filesystem with more inodes; a bigger volume adds inodes only in proportion`
          : `the ${kind} ${c.name} crashes (exit code ${exit}): its volume is full (No space left on device)`;
        weight = inodes ? 88 : 84;
        if (inodes)
          advice =
            "free inodes: delete the small files that piled up on the volume and restore what should remove them; expanding the volume's bytes is not the fix";
      } else if (depLine && !glossed) {
        // The host the failing line names, else the one the log says it connects to (a refusal quoted
        // with an IP: "connect ECONNREFUSED 10.96.40.17:5672").
        // A refusal quoted with only an address: the Service whose ClusterIP it is, when one was read.
        const named = dependencyHosts(depLine)[0] ?? dependencyHosts(logText)[0];
        const at = named ? undefined : servicesAt(depLine, seen)[0];
        const host = named ?? at?.name;
        // No other host, and the failing connection goes to localhost: inside a pod that is the pod itself.
        const loop = host ? undefined : loopbackTarget(logText);
        // A container of the same pod that declares that port: a sidecar it reached before it was up.
        const loopPort = loop?.address.slice(loop.address.lastIndexOf(':') + 1);
        const sidecar = loopPort
          ? containerSections(d.content).find(
              (s) => s.name !== c.name && new RegExp(`Ports?:[^\\n]{0,200}\\b${loopPort}/TCP`).test(s.body),
            )
          : undefined;
        // A dial to an address on the internet that gets no answer: the pod has no way out.
        const outside = publicTimeout(depLine);
        const hostNs = host ? at?.namespace || (dependencyNamespace(logText, host) ?? ns) : undefined;
        const down =
          host && hostNs && /refused|ECONNREFUSED|unavailable|could not connect/i.test(depLine)
            ? dependencyDown(host, hostNs, seen)
            : undefined;
        const away =
          host && /no such host|NXDOMAIN/i.test(depLine) ? serviceElsewhere(host, ns, seen) : undefined;
        // A name that resolves nowhere: no Service by that name in the namespace (renamed, removed).
        const gone =
          host && !away && /no such host|NXDOMAIN|host not found|bad address|could not resolve/i.test(depLine)
            ? serviceMissing(host, hostNs ?? ns, seen)
            : undefined;
        cause =
          loop && sidecar
            ? `the ${kind} ${c.name} crashes (exit code ${exit}): it connects to ${loop.address}, the port of the pod's own ${sidecar.name} container, before that container accepts connections ("${clip(gist(loop.line), 160)}"): a start-order race between containers of one pod; make ${c.name} wait for ${sidecar.name} (retry, or start ${sidecar.name} first as a native sidecar, an init container with restartPolicy Always)`
            : loop
              ? `the ${kind} ${c.name} crashes (exit code ${exit}): it connects to ${loop.address}, and the connection is refused ("${clip(gist(loop.line), 160)}"); inside a pod localhost is the pod itself, where nothing listens on that port, so the program is pointed at the wrong address: it falls back to localhost when the address of what it should reach (its own setting, or the API server's in-cluster address) is not picked up`
              : away
                ? `the ${kind} ${c.name} crashes (exit code ${exit}): the DNS lookup of the short name "${host}" fails (no such host), because a bare service name resolves only in the pod's own namespace (${ns}) and service ${host} is in another namespace, ${away}; use ${host}.${away} (or the fully qualified ${host}.${away}.svc.cluster.local): ${clip(gist(depLine), 120)}`
                : `the ${kind} ${c.name} crashes (exit code ${exit}) because a dependency${host ? ` (${host}${hostNs && hostNs !== ns ? ` in namespace ${hostNs}` : ''})` : ''} it connects to is unavailable: ${clip(gist(depLine), 120)}${gone ? `; ${gone}, so the name does not resolve` : ''}${down ? `; ${down.text}` : ''}${outside ? `; ${outside} is a public IP address, on the internet, and the dial gets no answer at all (a timeout, not a refusal): the pod has no egress to the internet from where it runs (a NetworkPolicy, the nodes' or the site's firewall, or a proxy the program is not set to use drops it), so the external servers it asks are never reached` : ''}`;
        if (down?.deployment && /scaled to zero/.test(down.text)) {
          advice = `scale deployment ${down.deployment} in namespace ${hostNs} back up (kubectl -n ${hostNs} scale deployment ${down.deployment} --replicas=1 or its usual count); the crash loop ends once ${host} has endpoints`;
          // The count it had, from the event that scaled it down ("… to 0 from 2"), else one.
          const before = down.before ?? 1;
          if (tools.has('scale_deployment') && hostNs)
            scaleFix = {
              tool: 'scale_deployment',
              args: { namespace: hostNs, name: down.deployment, replicas: before > 0 ? before : 1 },
              text: `scale deployment ${down.deployment} in namespace ${hostNs} back up to ${before > 0 ? before : 1} replica(s), so ${host} has endpoints again and the crash loop ends: restore the dependency; the client's release is not at fault`,
            };
        } else if (down)
          advice = `restore ${host} in namespace ${hostNs} (its Service has no endpoints); the crash follows from it`;
        if (down) weight = 84;
        if (away) {
          advice = `point the client at ${host}.${away}.svc.cluster.local (the service's namespace), not the bare name ${host}`;
          // The container variable that holds the bare name as a host (a URL, host:port, the name alone).
          const hostIn = new RegExp(`(^|[/@=])${escapeRe(host!)}(?=[:/]|$)`);
          const held = envOf(c.body).filter((e) => hostIn.test(e.value));
          if (held.length === 1 && owner && tools.has('set_env') && !c.init) {
            const value = held[0]!.value.replace(hostIn, `$1${host}.${away}`);
            nameFix = setEnvFix(
              ns,
              owner,
              c.name,
              [{ name: held[0]!.name, value }],
              `set ${held[0]!.name} of ${owner}/${c.name} to ${value}, naming ${host} with its namespace ${away}`,
            );
          }
        }
        weight = away ? 84 : loop ? 82 : 80;
        // The dependency's own pods crash (its Service has no endpoints because of that): their crash is
        // upstream of this one, and their own finding says why; this one is its symptom.
        if (down && host) {
          const upstream = podRows(seen, hostNs ?? ns).filter(
            // A crash loop of the dependency's own pods (a failed Job's pod or a config error is not one).
            (p) => p.name !== pod && p.name.startsWith(`${host}-`) && p.status === 'CrashLoopBackOff',
          );
          if (upstream.length > 0) weight = 66;
        }
        if (loop && !sidecar)
          advice = `point ${c.name} at the real address instead of ${loop.address} (its setting for the endpoint it calls), or go back to the version that found it`;
      } else if (fatal && /exec format error/i.test(fatal)) {
        // The node's architecture, when a read of the node shows its kubernetes.io/arch label.
        const node = /^Node:\s+([a-z0-9][a-z0-9.-]{0,252})/m.exec(d.content)?.[1];
        const arch = node
          ? f.seen
              .filter((o) => o.status === 'ok' && o.content.includes(node))
              .map(
                (o) =>
                  new RegExp(`${escapeRe(node)}[\\s\\S]{0,3000}?kubernetes\\.io/arch=([a-z0-9]{2,16})`).exec(
                    o.content,
                  )?.[1],
              )
              .find((a) => a !== undefined)
          : undefined;
        // A WebAssembly module run as a native executable: the runtime did not take the image for Wasm.
        // The program the container runs (its command, or the runtime's `exec container process \`x\``), not a
        // .wasm file a native tool was given.
        const command = describedField(c.body, 'Command') ?? '';
        const wasm =
          /(?:^|\s)(\/?[\w./-]{1,200}\.wasm)(?=\s|$)/.exec(command.split('\n')[0] ?? '')?.[1] ??
          /exec container process `([^`\s]{1,200}\.wasm)`/.exec(fatal)?.[1];
        cause = wasm
          ? `the ${kind} ${c.name} cannot run its program: "${clip(fatal, 120)}" — ${wasm} is a WebAssembly module, not a native executable, and the runtime tried to execute it as one (exec format error), so the node's Wasm runtime was not used: crun with WasmEdge (or another Wasm handler) runs an image as Wasm only when the image says so, through the OCI annotation module.wasm.image/variant (compat or compat-smart) set when it is built, or when the pod uses a RuntimeClass with a Wasm shim; an image built or pushed without that annotation (a new build pipeline, a registry copy that drops annotations) starts this way whatever the node's architecture. Rebuild or re-push the image with the annotation, or set the image back to a build that has it`
          : `the ${kind} ${c.name} cannot run its program: "${clip(fatal, 100)}" — the image holds binaries for another CPU architecture than the node's${arch ? ` (the node ${node} is ${arch})` : ''} (exec format error): typically an amd64 (x86-64) only image on arm64 nodes such as AWS Graviton, or the reverse, so it exits at once (exit code ${exit}); build and push a multi-arch image (docker buildx --platform linux/amd64,linux/arm64), or keep the pods on nodes of the image's architecture (nodeSelector kubernetes.io/arch)`;
        weight = 86;
      } else {
        config = configError(fatal, c.body, d.content, logText);
        const check = fatal ? shellCheck(logText, fatal) : undefined;
        const overMount = fatal ? configMapMountNote(fatal, c.body, d.content) : undefined;
        cause = check
          ? `the ${kind} ${c.name} crashes on start with exit code ${exit}: ${clip(gist(fatal ?? ''), 200)} — its entrypoint script stops on a shell test that reads ${check.variable} (the log shows ${check.variable}=${check.value} and the test "${clip(check.test, 80)}"), so the exit follows from the value of ${check.variable}, not from a dependency`
          : config
            ? `the ${kind} ${c.name} crashes on start (exit code ${exit}): it cannot load its configuration file${config.file ? ` ${config.file}` : ''}${config.map ? `, mounted from ConfigMap ${config.map}` : ''}, which is invalid: ${clip(gist(fatal ?? ''), 320)}${fatal && meaningOf(fatal) ? ` — ${meaningOf(fatal)}` : ''}`
            : `the ${kind} ${c.name} crashes on start with exit code ${exit}${fatal ? `: ${clip(gist(fatal), 320)}` : ''}${overMount ? `; ${overMount}` : fatal && meaningOf(fatal) ? ` — ${meaningOf(fatal)}` : ''}`;
        // The offending line of a configuration file the parser names (`config.alloy:36:20: …`), as the
        // program's own log prints it under the error (`36 |     value  = value = "payments"`).
        const pointed = pointedSettings(logText);
        if (pointed.length > 0) cause += `; ${pointedSaid(pointed)}`;
        const src = fatal ? sourceLine(logText, fatal) : undefined;
        if (src)
          cause += `; line ${src.line} of ${src.file} reads "${clip(src.text, 160)}"${src.doubled ? `, where ${src.doubled} is written twice (a doubled assignment, "${src.doubled} = ${src.doubled} = …")` : ''}`;
        // An empty entry in the ConfigMap for the setting the error is about (`"disks": [""]` under
        // "Invalid disk configuration"): the value the program refuses.
        const empty =
          config?.map && fatal ? emptyEntry(fatal, configMapText(seen, config.map, ns)) : undefined;
        if (empty)
          cause += `; in ConfigMap ${config!.map}, ${empty.key} is ${empty.value}: an empty entry where the program needs a value (its line: ${empty.line})`;
        if (overMount && !config) weight = 82;
        if (config) weight = 82;
        if (check) weight = 80;
        // A well-known error whose meaning is known names the cause more surely than an unknown exit.
        else if (glossed && !glossed.symptom && fatal === glossed.line) weight = 82;
        // A port already in use inside a pod: its containers share one network namespace, so
        // another container of the same pod holds it.
        const inUse = /address already in use/i.test(fatal ?? '')
          ? /:(\d{1,5}):? bind: address already in use/i.exec(fatal ?? '')?.[1]
          : undefined;
        const siblings = containerSections(d.content).filter((x) => !x.init && x.name !== c.name);
        if (inUse && siblings.length > 0) {
          cause += `; port ${inUse} is taken inside the pod: its containers share one network namespace, so another container of the pod (${siblings
            .map((x) => `${x.name}, image ${describedField(x.body, 'Image') ?? '?'}`)
            .join('; ')}) binds the same port — a port conflict between the containers`;
          advice = `give the containers different ports: move ${siblings[0]!.name} off port ${inUse} (its listen port setting), or pin it to the version that did not bind ${inUse}`;
          weight = 80;
          // The crashing container's own listen setting (":8080", "0.0.0.0:8080", "8080") moved to a port
          // no container of the pod declares: its own declared port, else the next free one.
          const listen = envOf(c.body).filter((e) =>
            new RegExp(`^(?:(?:0\\.0\\.0\\.0|\\[::\\]|)?:)?${inUse}$`).test(e.value),
          );
          const taken = new Set(
            containerSections(d.content).flatMap((x) =>
              [...x.body.matchAll(/(\d{1,5})\/TCP/g)].map((m) => Number(m[1])),
            ),
          );
          taken.add(Number(inUse));
          const own = [...c.body.matchAll(/(\d{1,5})\/TCP/g)]
            .map((m) => Number(m[1]))
            .find((p) => p !== Number(inUse));
          let free = own ?? Number(inUse) + 1;
          while (own === undefined && taken.has(free) && free < 65535) free++;
          if (listen.length === 1 && owner && tools.has('set_env') && !c.init) {
            const value = listen[0]!.value.replace(new RegExp(`${inUse}$`), String(free));
            nameFix = setEnvFix(
              ns,
              owner,
              c.name,
              [{ name: listen[0]!.name, value }],
              `set ${listen[0]!.name} of ${owner}/${c.name} to ${value}, a port no other container of the pod uses (point whatever scrapes or calls it at the new port)`,
            );
          }
        }
      }
      // An architecture-suffixed tag (1.8.2-arm64) has a multi-architecture sibling without it.
      const image = describedField(c.body, 'Image') ?? '';
      // A native library built against glibc fails to load on musl (Alpine): "Error relocating …: symbol
      // not found" in an UnsatisfiedLinkError; the same tag without its -alpine suffix is the glibc build.
      const muslLoad =
        /UnsatisfiedLinkError|Error relocating/.test(logText.slice(-100_000)) &&
        /Error relocating [^\n]{0,300}symbol not found|ld-musl|musl/i.test(logText.slice(-100_000));
      const archFree = /exec format error/i.test(fatal ?? '')
        ? image.replace(/-(arm64|aarch64|armv7|arm|s390x|ppc64le|amd64)$/, '')
        : muslLoad
          ? image.replace(/-alpine[\d.]{0,10}$/, '')
          : image;
      const archFix =
        archFree !== image && owner && tools.has('set_image') && !c.init
          ? {
              tool: 'set_image',
              args: { namespace: ns, deployment: owner, container: c.name, image: archFree },
              text: muslLoad
                ? `set the image of ${owner}/${c.name} to ${archFree}, the same version built on a glibc base (its native library is linked against glibc and does not load on Alpine's musl)`
                : `set the image of ${owner}/${c.name} to ${archFree}, the multi-architecture tag`,
            }
          : undefined;
      // Where a quoted line comes from: this container's previous log, or the neighbour's that said it.
      const from = (l: string) =>
        sibling?.lines.includes(l) ? `get_pod_logs ${pod} (container ${sibling.container})` : 'previous logs';
      const told = [fatal, envLine, diskLine, depLine].some(
        (l) => l !== undefined && sibling?.lines.includes(l),
      );
      if (sibling && told)
        cause += `; its own log says nothing of why ("${clip(logLines(own).pop() ?? '', 100)}"), the pod's ${sibling.container} container shows the error`;
      const script = fatal ? initScriptBefore(logText, fatal) : undefined;
      if (script)
        cause += `; it failed in the init script ${script}, which the image's entrypoint runs from /docker-entrypoint-initdb.d on a first start (an empty data directory), usually mounted from a ConfigMap: the script is what to fix`;
      return {
        weight: weight + b,
        object: objectLabel,
        cause,
        evidence: [
          last.reason === undefined && endedForGood
            ? `describe_pod ${pod}: ${kind} ${c.name} State Terminated, Reason ${now.reason}, Exit Code ${exit}, not restarted`
            : `describe_pod ${pod}: ${kind} ${c.name} Last State Terminated${last.reason ? `, Reason ${last.reason}` : ''}, Exit Code ${exit}${restarts ? `, Restart Count ${restarts}` : ''}`,
          ...[exitLine, envLine, diskLine, depLine]
            .filter((x): x is string => !!x)
            .map((l) => `${from(l)}: "${clip(l, 140)}"`),
          ...(exitBefore ? [`previous logs, the line before it: "${clip(exitBefore, 200)}"`] : []),
          // The headline's neighbours: what else the program said went wrong (another file, a
          // partition, the peer), once per message.
          ...(fatal
            ? otherLines(
                logLines(logText).filter((l) => TELLING.some((re) => re.test(l))),
                [fatal, envLine, diskLine, depLine].filter(Boolean).join('\n'),
              ).map((l) => `previous logs: "${clip(l, 140)}"`)
            : []),
        ],
        ...(archFix ? { fix: archFix } : nameFix ? { fix: nameFix } : scaleFix ? { fix: scaleFix } : {}),
        // A server that refused for its own state (sealed, read-only), or a dependency scaled to zero:
        // no rollback of this workload.
        ...((glossed?.serverSide && fatal === glossed.line) || scaleFix
          ? { revisionSound: true as const }
          : {}),
        advice: advice
          ? advice
          : archFix
            ? archFix.text
            : config
              ? `fix the configuration${config.map ? ` in ConfigMap ${config.map}` : ''} (or roll it back to the last version that loaded), then restart the pod`
              : envLine
                ? 'set the missing variable in the deployment'
                : depLine
                  ? 'restore the dependency; the crash follows from it'
                  : 'fix what the logs show',
      };
    }
    return undefined;
  },
};

/**
 * A container the kubelet killed for a liveness probe that timed out, read without the Unhealthy
 * events (they expire after an hour): exit code 137 (SIGKILL) with reason Error (an OOM kill says
 * OOMKilled), an httpGet liveness probe, and the program's own log showing its health check taking at
 * least most of the probe's timeout (`/healthcheck … 1580ms`, `healthcheck: … total=1.58s`).
 */
/**
 * Whether a log line names the health check's word as a word of its own (`healthcheck: …`, `health/deep:`),
 * not inside another (`delivery` for `live`) nor as a field's key (`status=200` for `/status`).
 */
function namesWord(line: string, word: string): boolean {
  const l = line.toLowerCase();
  const w = word.toLowerCase();
  for (let at = l.indexOf(w); at >= 0; at = l.indexOf(w, at + 1)) {
    const before = l.charCodeAt(at - 1);
    const after = l.charCodeAt(at + w.length);
    const wordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
    if (!wordChar(before) && !wordChar(after) && after !== 61) return true;
  }
  return false;
}

export function livenessKill(
  exit: number | undefined,
  reason: string | undefined,
  body: string,
  logs: string,
):
  | {
      path: string;
      latency: number;
      current: number;
      timeout: number;
      line: string;
      line2: string;
      probe: Record<string, unknown> | undefined;
    }
  | undefined {
  if (exit !== 137 || reason !== 'Error') return undefined;
  const live = describedField(body, 'Liveness');
  if (!live) return undefined;
  const path = httpProbeTarget(`Liveness: ${live}`)?.path;
  if (!path) return undefined;
  const current = Number(/\btimeout=(\d{1,6})s\b/.exec(live)?.[1] ?? 1);
  const word = path.split('/').filter(Boolean).pop() ?? '';
  let latency = probePathLatency(path, logs);
  let line = latency !== undefined ? (logs.split('\n').find((l) => l.includes(`${path} `)) ?? '') : '';
  if (word.length >= 4) {
    // A health check that logs its own timing under its name: `healthcheck: … total=1.58s`,
    // `health/deep: … total 2.40s`. It outranks a request the probe aborted at its own timeout
    // (`aborted request GET /healthz/deep after 1000ms`), which says only that the check took longer.
    for (const l of logs.split('\n')) {
      if (l.length > 2000 || !namesWord(l, word)) continue;
      const total = /\btotal\s{0,3}[=:]?\s{0,3}(\d{1,7}(?:\.\d{1,6})?)\s?(ms|s)\b/i.exec(l);
      if (!total) continue;
      const v = Number(total[1]) / (total[2]!.toLowerCase() === 'ms' ? 1000 : 1);
      if (latency === undefined || v > latency) {
        latency = v;
        line = l.trim();
      }
    }
  }
  if (latency === undefined || latency < current * 0.8) return undefined;
  return {
    path,
    latency,
    current,
    timeout: Math.max(2, Math.ceil(latency * 3)),
    line,
    line2: live,
    probe: httpProbeWithPath(`Liveness: ${live}`, path),
  };
}

/**
 * The loopback address a failing connection in the log goes to (`HTTPConnectionPool(host='localhost',
 * port=80)`, `dial tcp 127.0.0.1:6443: connect: connection refused`, `[::1]:8080`), with its line;
 * undefined when none does. Only lines that say the connection failed count.
 */
export function loopbackTarget(logText: string): { address: string; line: string } | undefined {
  for (const line of logText.slice(-200_000).split('\n')) {
    if (line.length > 4000) continue;
    if (
      !/refused|ECONNREFUSED|Failed to establish|Max retries exceeded|could not connect|i\/o timeout/i.test(
        line,
      )
    )
      continue;
    const py = /host='(localhost|127\.0\.0\.1)', port=(\d{1,5})/.exec(line);
    if (py) return { address: `${py[1]}:${py[2]}`, line };
    const plain = /(?<![\w.-])(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})\b/.exec(line);
    if (plain) return { address: `${plain[1]}:${plain[2]}`, line };
  }
  return undefined;
}

/**
 * The shell test an entrypoint script ran just before the line it stopped on, as `set -x` prints it
 * (`+ '[' false '!=' true ']'`, `+ test -n ''`), when an earlier line of the log prints a variable
 * (`TRACE_STARTUP=false`) whose value is one of the test's operands: the variable the exit depends on.
 */
export function shellCheck(
  logText: string,
  fatal: string,
): { variable: string; value: string; test: string } | undefined {
  const lines = logText.slice(-200_000).split('\n');
  const at = lines.findIndex((l) => l.includes(fatal.trim()));
  if (at < 1) return undefined;
  for (let i = at - 1; i >= Math.max(0, at - 3); i--) {
    const t = /\+ (?:'\['|\[|test)\s(.{1,200})$/.exec(lines[i]!);
    if (!t) continue;
    const operands = [...t[1]!.matchAll(/'([^']{0,100})'|(\S{1,100})/g)]
      .map((m) => m[1] ?? m[2]!)
      .filter((x) => !/^(?:!=|=|==|-eq|-ne|-n|-z|\]|'\]')$/.test(x));
    for (let j = i - 1; j >= Math.max(0, i - 10); j--) {
      const v = /\b([A-Z][A-Z0-9_]{1,63})=(\S{0,100})\s*$/.exec(lines[j]!);
      if (v && operands.includes(v[2]!)) return { variable: v[1]!, value: v[2]!, test: lines[i]!.trim() };
    }
  }
  return undefined;
}

/**
 * What a ConfigMap volume does to a path the crash line names: a write to it fails because ConfigMap
 * (and Secret) volumes are mounted read-only, and a file missing under a ConfigMap mounted over a whole
 * directory (no subPath) is hidden by it, since the volume replaces what the image ships there.
 * Undefined when the path is on no ConfigMap volume. https://kubernetes.io/docs/concepts/storage/volumes/#configmap
 */
export function configMapMountNote(fatal: string, body: string, pod: string): string | undefined {
  // The line may name several paths (the script that failed, the file it wanted): the one on a ConfigMap.
  const mounts = [...body.matchAll(/^[ \t]{1,40}(\/\S{0,256}) from (\S{1,253})(?: \(([^)\n]{0,200})\))?/gm)];
  let file: string | undefined;
  let map: string | undefined;
  let best: { path: string; volume: string; sub: boolean } | undefined;
  for (const f of fatal.slice(0, 4000).matchAll(/(\/[\w.@+-]{1,100}(?:\/[\w.@+-]{1,100}){0,30})/g)) {
    const m = mountedConfigMap(f[1]!, body, pod);
    if (!m) continue;
    file = f[1]!;
    map = m;
    for (const x of mounts) {
      const path = x[1]!.replace(/\/$/, '');
      if ((file === path || file.startsWith(`${path}/`)) && (!best || path.length > best.path.length))
        best = { path, volume: x[2]!, sub: /path=/.test(x[3] ?? '') };
    }
    break;
  }
  if (!file || !map || !best) return undefined;
  if (/Read-only file system|EROFS/i.test(fatal))
    return `${file} is inside the volume of ConfigMap ${map}, mounted at ${best.path}: ConfigMap and Secret volumes are always mounted read-only, so the program cannot write there; have it write to an emptyDir (copy the ConfigMap's files there at start if it must change them)`;
  if (/No such file or directory|ENOENT|not found|does not exist|FileNotFound/i.test(fatal) && !best.sub)
    return `the volume of ConfigMap ${map} is mounted over the whole directory ${best.path} (no subPath), and a volume replaces what the image ships at its mount path: ${file} is in the image but hidden under the mount; mount the ConfigMap's keys one by one with subPath, or at a directory of its own`;
  return undefined;
}

/**
 * The earlier failure line that carries the detail of a summary a program stops with, when the summary
 * ends with the name of what failed (`Error: could not download all the policies: disallow-host-paths`
 * after `ERROR policy download failed policy="disallow-host-paths" url=… error="… manifest unknown"`): the
 * last such line naming it; undefined when none does.
 */
export function namedDetail(logText: string, summary: string): string | undefined {
  const m = /:\s{1,4}([A-Za-z0-9][\w.-]{2,100})\s*$/.exec(summary.slice(-200));
  if (!m) return undefined;
  const name = m[1]!;
  // A name an object carries (`disallow-host-paths`, `ledger_7`), not an error's own word (`EOF`, `timeout`).
  if (!/[-_.\d]/.test(name) || /^[A-Z]+$/.test(name)) return undefined;
  const named = new RegExp(`(?<![\\w.-])${escapeRe(name)}(?![\\w-]|\\.\\w)`);
  return logLines(logText)
    .filter(
      (l) =>
        l !== summary && l.length <= 4000 && named.test(l) && /\b(?:ERROR|[Ee]rror|failed|failure)\b/.test(l),
    )
    .pop();
}

/**
 * The public address a line's connection attempt timed out on, or undefined. The shapes: Go's `dial tcp
 * 104.26.12.205:443: i/o timeout` (IPv6 bracketed, `[2606:4700::1]:443`), Node's `connect ETIMEDOUT
 * 104.26.12.205:443`, curl's `Failed to connect to 104.26.12.205 port 443 …: Connection timed out`. Inside
 * addresses give undefined: IPv4 private (RFC 1918), shared (RFC 6598), loopback, link-local and multicast;
 * IPv6 outside global unicast 2000::/3 (RFC 4291: unique local fc00::/7, link-local, loopback). A read or
 * write timing out on a connection already open (`read tcp a->b: i/o timeout`) is not a dial: undefined.
 */
export function publicTimeout(line: string): string | undefined {
  const text = line.slice(0, 4000);
  if (!/i\/o timeout|timed out|ETIMEDOUT/i.test(text)) return undefined;
  if (/\b(?:read|write) (?:tcp|udp)[46]? |->/.test(text)) return undefined;
  const v6 = /\[([0-9a-fA-F:]{2,39})\]:\d{1,5}\b/.exec(text);
  if (v6) {
    const first = Number.parseInt(v6[1]!.split(':')[0] || '0', 16);
    return first >= 0x2000 && first <= 0x3fff ? v6[1]! : undefined;
  }
  const m = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::\d{1,5}\b| port \d{1,5}\b)/.exec(text);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const inside =
    a === 10 ||
    a === 127 ||
    a === 0 ||
    a >= 224 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127);
  return inside ? undefined : `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
}

/** A setting whose value is empty: `"disks": [""]`, `"dir": ""`, `path: ''`, `hosts: [""]`. */
const EMPTY_SETTING = /^\s*["']?([A-Za-z][\w.-]{0,60})["']?\s*[:=]\s*(\[\s*(?:""|'')\s*\]|""|'')\s*,?\s*$/;
/** A YAML key that opens a block (`disks:`), and a block list item that is empty (`  - ""`). */
const BLOCK_KEY = /^\s*["']?([A-Za-z][\w.-]{0,60})["']?\s*:\s*$/;
const EMPTY_ITEM = /^\s*-\s*(""|'')\s*$/;
/** An error about a setting's value: invalid, empty, missing or required, or about the configuration. */
const ABOUT_SETTING =
  /\binvalid\b|\bempty\b|\bmissing\b|\brequired\b|\bmust\b|not set|\bconfig(?:uration)?\b/i;

/**
 * The empty setting of a configuration that an error about a setting names by its word (`disks` for
 * "Invalid disk configuration", a plural or singular of the key), with its line; undefined when none.
 */
export function emptyEntry(
  error: string,
  config: string | undefined,
): { key: string; value: string; line: string } | undefined {
  if (!config || !ABOUT_SETTING.test(error.slice(0, 4000))) return undefined;
  const words = new Set(
    error
      .toLowerCase()
      .slice(0, 4000)
      .match(/[a-z]{3,40}/g) ?? [],
  );
  const named = (key: string) => {
    const stem = key.toLowerCase().split(/[._-]/).pop()!;
    return words.has(stem) || words.has(stem.replace(/s$/, '')) || words.has(`${stem}s`);
  };
  const lines = config.split('\n').slice(0, 5000);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.slice(0, 400);
    const m = EMPTY_SETTING.exec(line);
    if (m && named(m[1]!))
      return { key: m[1]!, value: m[2]!.replace(/\s+/g, ''), line: clip(line.trim(), 120) };
    // A block list whose only item is empty: `disks:` then `  - ""`.
    const k = BLOCK_KEY.exec(line);
    const item = k ? EMPTY_ITEM.exec((lines[i + 1] ?? '').slice(0, 400)) : null;
    if (k && item && !/^\s*-/.test(lines[i + 2] ?? '') && named(k[1]!))
      return { key: k[1]!, value: `[${item[1]}]`, line: clip(`${line.trim()} ${lines[i + 1]!.trim()}`, 120) };
  }
  return undefined;
}
