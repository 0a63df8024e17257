import type { SeenObservation } from '../observations.js';
import { quietLogs } from './app-errors.js';
import { envOf } from './env-values.js';
import { type Analyzer, type AnalyzerContext, clip, containerSections, outputs, type Read } from './types.js';

/**
 * A program's words for a network interface it was told to use and could not find, then another it
 * used instead: dnsmasq's and Pi-hole FTL's `using interface lo instead`, `unknown interface ens18`,
 * `interface ens18 does not exist`, `SIOCGIFINDEX: No such device`. A name of at most 15 characters
 * (the kernel's IFNAMSIZ less its NUL), so D-Bus's `Unknown interface 'org.freedesktop…'` is not one; a
 * bare "No such device" (a missing /dev node) is not either.
 */
const FALLBACK =
  /\busing interface [\w.:-]{1,15} instead\b|\bunknown interface ["']?[\w.:-]{1,15}(?![\w.:-])|\binterface "?[\w.:-]{1,15}"? (?:does not exist|not found)\b|\bSIOC\w{2,12}: No such device\b|\binterface [\w.:-]{1,15}:? No such device\b/i;

/** A variable whose name says it sets a network interface (`FTLCONF_dns_interface`, `IFACE`, `BIND_INTERFACE`). */
const INTERFACE_VAR = /interface|\biface\b|_iface\b|^iface/i;

/**
 * A NIC name a host or a VM has but a pod does not (systemd's predictable names `ens18`, `enp0s3`,
 * `eno1`, `wlp2s0`; the classic `eth1`, `wlan0`, `bond0`, `br0`): a pod's network namespace holds `lo` and
 * `eth0` (the CNI's veth end), nothing else unless a CNI plugin such as Multus adds one.
 */
const HOST_NIC =
  /^(?:en[ospx][\w]{1,12}|eno\d{1,4}|wl[\w]{1,12}|eth[1-9]\d{0,2}|wlan\d{1,3}|bond\d{1,3}|br\d{1,3}|vmbr\d{1,3})$/;

/** The healthy pods whose current log reports the fallback, with the line. */
function fallbacks(ctx: AnalyzerContext): { pod: string; line: string }[] {
  const logs = quietLogs(ctx.seen, ctx.ns) ?? [];
  const out: { pod: string; line: string }[] = [];
  for (const o of logs) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .slice(-5000)
      .find((l) => l.length <= 4000 && FALLBACK.test(l));
    if (line) out.push({ pod: String(o.args['name'] ?? ''), line: line.trim() });
  }
  return out.slice(0, 2);
}

/**
 * The description that holds a pod's settings: its own `describe_pod`, else the `describe_deployment` of
 * the Deployment whose name, a dash and a suffix make the pod's name (its template's variables).
 */
function describedSettings(ctx: AnalyzerContext, pod: string): SeenObservation | undefined {
  return (
    outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
    ).pop() ??
    outputs(
      ctx.seen,
      'describe_deployment',
      (o) => o.args['namespace'] === ctx.ns && pod.startsWith(`${String(o.args['name'] ?? '')}-`),
    ).pop()
  );
}

/** The variables of a pod's description that name an interface, with values a pod cannot have. */
function hostInterfaceSettings(ctx: AnalyzerContext, pod: string): { name: string; value: string }[] {
  const described = describedSettings(ctx, pod);
  if (!described) return [];
  // Every container's variables (a sidecar may come first), or the whole text when no section is found.
  const sections = containerSections(described.content.slice(0, 200_000));
  const env = sections.length ? sections.flatMap((c) => envOf(c.body)) : envOf(described.content);
  return env
    .filter((e) => INTERFACE_VAR.test(e.name))
    .flatMap((e) =>
      e.value
        .split(/[,\s]+/)
        .slice(0, 8)
        .filter((v) => HOST_NIC.test(v))
        .map((value) => ({ name: e.name, value })),
    );
}

/**
 * A healthy namespace whose DNS or network daemon warns that it could not use the interface it was
 * configured with and uses another instead (dnsmasq, Pi-hole FTL): when the pod's own settings name an
 * interface a pod does not have (`FTLCONF_dns_interface=ens18`, a VM's NIC name carried over from the
 * machine it ran on before), the warning is that setting, met again at every start, not a failure; the
 * daemon goes on serving (the namespace is healthy, see `quietLogs`). Reads the pod's description for its
 * settings. A note only.
 */
export const interfaceFallbackAnalyzer: Analyzer = {
  name: 'interface-fallback',
  reads(ctx): Read[] {
    return fallbacks(ctx)
      .filter((f) => !describedSettings(ctx, f.pod))
      .slice(0, 1)
      .map((f) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name: f.pod } }));
  },
  finds: () => [],
  notes(ctx): string[] {
    for (const { pod, line } of fallbacks(ctx)) {
      const set = hostInterfaceSettings(ctx, pod);
      const named = set[0];
      return [
        `${pod} logs "${clip(line, 200)}": ${
          named
            ? `its setting ${named.name}=${named.value} names a network interface the pod does not have: a pod's network namespace holds only lo and eth0, and ${named.value} is the name of a host's or a VM's network card (carried over from the machine it ran on before)`
            : 'the interface it was configured with could not be used (most likely it does not exist in the pod, which has only lo and eth0)'
        }, so it falls back to another interface and goes on serving. The warning is that configured interface, met again at every start (deleting the pod brings it back), not a failure: harmless, nothing is broken. To silence it, ${
          named ? `remove ${named.name} or set it to eth0` : 'remove the interface setting or set it to eth0'
        }`,
      ];
    }
    return [];
  },
};
