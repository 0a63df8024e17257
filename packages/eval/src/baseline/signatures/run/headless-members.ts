import type { Finding } from '../../../analyzers/types.js';
import { escapeRe } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** The scan's and the signatures' wording for a Service whose selector matches no pod. */
const SELECTS_NONE = /has no endpoints: its selector \S{1,600} matches no pod/;

/**
 * A StatefulSet's members crash because their own DNS names do not resolve, and the headless Service
 * those names go through (`<pod>.<service>.<namespace>.svc`) selects no pod: a pod's hostname record
 * exists only while a Service of that name selects it (kubernetes.io, "DNS for Services and Pods", and
 * the StatefulSet's `serviceName`), so after a change of labels or of the selector every member's lookup
 * answers "no such host" and CoreDNS is working as it should. The Service's finding is raised above the
 * members' crashes (it is what they wait on) and says so.
 */
export const headlessMembers = {
  name: 'headless-members',
  refine(_f, found) {
    for (const s of found) {
      const service = /^service ([a-z0-9][a-z0-9-]{0,62})$/.exec(s.object)?.[1];
      if (!service || !SELECTS_NONE.test(s.cause)) continue;
      const lookup = new RegExp(
        `\\b([a-z0-9][a-z0-9-]{0,62})\\.${escapeRe(service)}\\.([a-z0-9][a-z0-9-]{0,62})\\.svc\\b[^\\n]{0,120}?(?:no such host|NXDOMAIN|could not resolve|Name or service not known)`,
      );
      // Node's and Java's wordings name the host after the error (`getaddrinfo ENOTFOUND <name>`).
      const after = new RegExp(
        `(?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|UnknownHostException:?|getaddrinfo \\w{1,20}) ([a-z0-9][a-z0-9-]{0,62})\\.${escapeRe(service)}\\.([a-z0-9][a-z0-9-]{0,62})\\.svc\\b`,
      );
      const named = (x: Finding) => lookup.exec(x.cause.slice(0, 4000)) ?? after.exec(x.cause.slice(0, 4000));
      const members = found.filter((x) => x !== s && named(x));
      if (members.length === 0) continue;
      const m = named(members[0]!)!;
      s.weight = Math.max(s.weight, ...members.map((x) => x.weight)) + 1;
      s.cause = `the StatefulSet's members look themselves and their peers up through it (${m[1]}.${service}.${m[2]}.svc) and crash on "no such host": CoreDNS answers correctly, the names exist only while the Service selects the pods; ${s.cause}`;
      return;
    }
  },
} satisfies RunSignature;
