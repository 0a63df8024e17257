import { imageAlternative, tagPrefixSlip } from '../../../analyzers/images.js';
import { logGloss } from '../../../analyzers/log-glosses.js';
import { clip, clipAround, describedField, outputs, podRun } from '../../../analyzers/types.js';
import { parseTable } from '../../../k8s-text.js';
import { firstLine, lastOf } from '../../reading.js';
import type { ContainerSignature, Facts } from '../types.js';

/** An image whose registry host is the loopback address (`localhost:5000/…`, `127.0.0.1:5000/…`). */
const LOOPBACK_REGISTRY = /^(?:localhost|127\.0\.0\.1)(?::\d{1,5})?\//;

/** An image that cannot be pulled: rate-limited, denied, misspelled, a wrong tag, a deleted digest. */
export const imagePull: ContainerSignature = {
  name: 'image-pull',
  stops: true,
  find(x, f) {
    const { described: d, pod, owner, objectLabel, bonus: b, container: c, kind, now } = x;
    const { task, ns, seen, events, tools } = f;
    if (now.reason && /ImagePullBackOff|ErrImagePull|InvalidImageName/.test(now.reason)) {
      const image = describedField(c.body, 'Image') ?? '';
      const msg =
        firstLine(
          `${d.content}\n${events}`,
          /Failed to pull image|pull access denied|not found|manifest unknown|unauthorized/i,
        ) ?? '';
      // The registry refusing for the number of pulls (HTTP 429) says the image exists: the node,
      // or its shared egress address, used up its pull quota.
      const limited = firstLine(
        `${d.content}\n${events}`,
        /toomanyrequests|429 Too Many Requests|pull rate limit|rate limit exceeded/i,
      );
      if (limited) {
        const node = describedField(d.content, 'Node');
        return {
          weight: 88 + b,
          object: objectLabel,
          cause: `the image ${image} exists, but the registry refuses the pull for its rate limit (429 Too Many Requests, toomanyrequests): ${node ? `node ${node} (or the address it pulls from) ` : 'the node '}has used up its anonymous pull quota, so the pod stays in ${now.reason} while pods on nodes that already have the image run`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            `event: ${clip(limited, 220)}`,
          ],
          advice:
            'authenticate pulls to the registry (credentials raise the limit), or pull through a mirror or cache; the pod retries by itself once the limit resets',
        };
      }
      // The registry's TLS certificate is one the node's container runtime does not trust (a private CA).
      const untrusted =
        /x509: certificate signed by unknown authority|certificate is not trusted|x509: certificate has expired|x509: certificate is valid for/i.exec(
          `${d.content}\n${events}`,
        );
      if (untrusted) {
        const host = image.includes('/') ? image.slice(0, image.indexOf('/')) : 'docker.io';
        return {
          weight: 89 + b,
          object: objectLabel,
          cause: `the image ${image} cannot be pulled because the node's container runtime does not trust the TLS certificate of the registry ${host} ("${clipAround(`${d.content}\n${events}`, untrusted[0], 160)}"): ${/unknown authority|not trusted/i.test(untrusted[0]) ? 'it is signed by a certificate authority (a private or corporate CA) the node does not have in its trust store' : /expired/i.test(untrusted[0]) ? "the registry's certificate has expired" : "the registry's certificate does not name that host"}, so every pull fails at the TLS handshake before the image is looked up — not a missing tag and not the credentials; ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            `event: ${clipAround(`${d.content}\n${events}`, untrusted[0], 200)}`,
          ],
          advice: /unknown authority|not trusted/i.test(untrusted[0])
            ? `install the CA that signed ${host}'s certificate on every node (containerd: /etc/containerd/certs.d/${host}/ca.crt or hosts.toml; the node's system trust store), or serve the registry with a certificate from a trusted CA; a rollback only helps while older images are cached`
            : `renew or reissue ${host}'s TLS certificate`,
          revisionSound: true,
        };
      }
      // The layers came down but the node had no room to unpack them (`failed to register layer: …
      // no space left on device`, Docker's and containerd's words for a write that hit ENOSPC): the
      // node's disk, not the image.
      // This pod's pull (its description, or an event that names its image), and the node's disk, not a
      // registry's (a mirror answering 500 with its own "no space left on device" in its message).
      const full = `${d.content}\n${events}`
        .split('\n')
        .find(
          (l) =>
            l.length <= 4000 &&
            /no space left on device/i.test(l) &&
            /pull|layer/i.test(l) &&
            (d.content.includes(l) || l.includes(image)) &&
            !/Server message|unexpected status code|\b5\d\d (?:Internal Server Error|Service Unavailable)/i.test(
              l,
            ),
        );
      if (full) {
        const node = describedField(d.content, 'Node');
        const gc = node
          ? outputs(seen, 'describe_node', (o) => o.args['name'] === node)
              .flatMap((o) => o.content.split('\n'))
              .find((l) => /ImageGCFailed|FreeDiskSpaceFailed/.test(l))
          : undefined;
        return {
          weight: 90 + b,
          object: objectLabel,
          cause: `the image ${image} exists and its layers download, but ${node ? `node ${node}` : 'the node'} has no disk space left to unpack them: the disk is full ("${pullQuote(full)}")${gc ? `, and the kubelet's image garbage collection cannot free any (${clip(gc.trim().replace(/\s{2,}/g, ' '), 160)})` : ''}. Not a wrong tag, not the registry and not a pull limit: every pull of a new image on that node fails the same way — ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            `event: ${pullQuote(full)}`,
            ...(gc ? [`describe_node ${node}: ${clip(gc.trim().replace(/\s{2,}/g, ' '), 200)}`] : []),
          ],
          advice: `free disk space on ${node ? `node ${node}` : 'the node'} (remove unused images and stopped containers: docker image prune / crictl rmi --prune; or grow its disk); the pull succeeds on its next retry, and a rollback does not help`,
          revisionSound: true,
        };
      }
      const denied = /denied|unauthorized|authorization failed|authentication required|forbidden/i.test(msg);
      const history = owner
        ? lastOf(seen, 'get_rollout_history', (o) => o.args['name'] === owner && o.status === 'ok')
        : undefined;
      const revisions = history
        ? parseTable(history.content).filter((r) => /^\d+/.test(r['REVISION'] ?? '')).length
        : 0;
      // Docker Hub answers "pull access denied, repository does not exist or may require
      // authorization" for a repository that does not exist: with a near-identical repository in
      // use and no pull secret involved, that is a misspelling, not missing credentials.
      const near = imageAlternative(image, task, seen, ns);
      const misspelled =
        denied &&
        near?.kind === 'repository' &&
        /repository does not exist/i.test(msg) &&
        !/imagePullSecrets|pull secret/i.test(d.content);
      const alt = denied && !misspelled ? undefined : near;
      const slip = denied ? undefined : tagPrefixSlip(image, task, seen);
      const credentials = denied && !misspelled;
      // The scan read the pod's imagePullSecrets: one that does not exist in the pod's namespace (the
      // Secret lives in another one, or was never created) is why no credentials were sent.
      const missingSecret = credentials
        ? outputs(seen, 'scan', (o) => o.args['namespace'] === ns)
            .flatMap((o) => o.content.split('\n'))
            .map((l) =>
              l.includes(pod)
                ? /its imagePullSecret "[a-z0-9.-]{1,253}" does not exist in namespace [a-z0-9-]{1,63}/.exec(
                    l,
                  )?.[0]
                : undefined,
            )
            .find((m) => m !== undefined)
        : undefined;
      // No pull secret missing: the one there may be stale, when what refreshes it (a Job that logs in
      // to the registry and writes the dockerconfigjson) fails.
      const refresher = credentials && !missingSecret ? credentialRefresher(seen, ns) : undefined;
      if (refresher) {
        const means = logGloss(refresher.line);
        return {
          weight: 89 + b,
          object: objectLabel,
          cause: `the image ${image} cannot be pulled because the registry credentials are stale: the pod that refreshes them, ${refresher.pod}, fails ("${clip(refresher.line, 160)}")${means ? ` — ${means}` : ''}, so the pull secret is not renewed and the token it holds has expired${refresher.ecr ? ' (an ECR authorization token is valid for 12 hours)' : ''}; pods on nodes that pulled the image earlier still run, a new pull is refused — ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            ...(msg ? [`event: ${clip(msg)}`] : []),
            `logs of ${refresher.pod}: "${clip(refresher.line, 160)}"`,
          ],
          advice: `fix the credentials refresher (${refresher.pod}) and run it once by hand so the pull secret holds a fresh token; the pull then succeeds on its next retry, no rollback needed`,
          revisionSound: true,
        };
      }
      const canSetImage = tools.has('set_image');
      // A digest pin that the registry no longer has: pods on nodes that pulled it before run
      // from their cache (IfNotPresent), a pod on a new node cannot pull it.
      const digest = /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
      const pods = digest ? lastOf(seen, 'list_pods', (o) => o.status === 'ok') : undefined;
      // Pods of the same ReplicaSet (same template, same image) running elsewhere: a cache.
      const cached = pods
        ? parseTable(pods.content).filter(
            (r) => r['NAME'] !== pod && podRun(r['NAME'] ?? '') === podRun(pod) && r['STATUS'] === 'Running',
          )
        : [];
      if (digest && !credentials && !alt && cached.length > 0) {
        const node = describedField(d.content, 'Node');
        return {
          weight: 88 + b,
          object: objectLabel,
          cause:
            `the image is pinned to digest ${digest.slice(0, 19)}… whose manifest the registry no longer has (not found: deleted, as a registry clean-up or retention rule deletes untagged digests once their tag moves to a newer build); ` +
            `the ${cached.length} other pod(s) of ${owner ?? podRun(pod)} (${cached.map((r) => `${r['NAME']} on ${r['NODE']}`).join(', ')}) still run because their nodes have the image cached (imagePullPolicy IfNotPresent), while this pod on ${node ? `node ${node}` : 'its node'}, which never pulled it, cannot — ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            ...(msg ? [`event: ${clip(msg)}`] : []),
            `list_pods: ${cached.map((r) => `${r['NAME']} Running on ${r['NODE']}`).join(', ')}`,
          ],
          advice: `point ${owner ?? 'the workload'} at an image that exists (the tag's current digest, or restore the deleted one in the registry) and exclude deployed digests from the registry's clean-up rule`,
        };
      }
      // k8s.gcr.io was frozen on 3 April 2023: no new tags are published there, only on registry.k8s.io
      // (https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/). A tag newer than the
      // freeze is found under the same path on registry.k8s.io.
      const frozen = /^k8s\.gcr\.io\//.test(image) && !credentials && /not found|manifest unknown/i.test(msg);
      if (frozen) {
        const moved = image.replace(/^k8s\.gcr\.io\//, 'registry.k8s.io/');
        return {
          weight: 89 + b,
          object: objectLabel,
          cause: `the image ${image} is not found because k8s.gcr.io is frozen (since April 2023 no new tags are published there; the Kubernetes project publishes them only on registry.k8s.io), so a tag released after the freeze exists only as ${moved} — ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            ...(msg ? [`event: ${clip(msg)}`] : []),
          ],
          ...(owner && canSetImage && !c.init
            ? {
                fix: {
                  tool: 'set_image',
                  args: { namespace: ns, deployment: owner, container: c.name, image: moved },
                  text: `set the image of ${owner}/${c.name} to ${moved}`,
                },
              }
            : {}),
          advice: `pull from registry.k8s.io: set the image to ${moved}`,
        };
      }
      // The registry has the tag, but no variant of it for the node's platform (containerd: "no match for
      // platform in manifest"; Docker: "no matching manifest for linux/arm64 in the manifest list").
      const platform =
        /no match for platform in manifest|no matching manifest for ([a-z0-9]{1,20}\/[a-z0-9]{1,20})/i.exec(
          msg,
        );
      if (platform) {
        const node = describedField(d.content, 'Node')?.replace(/\/.*$/, '');
        const arch =
          platform[1]?.split('/')[1] ??
          (node
            ? outputs(seen, 'describe_node', (o) => o.args['name'] === node)
                .map((o) => /kubernetes\.io\/arch=([a-z0-9]{1,20})/.exec(o.content)?.[1])
                .find((x) => x !== undefined)
            : undefined);
        return {
          weight: 89 + b,
          object: objectLabel,
          cause: `the image ${image} exists, but not for the platform of the node the pod runs on${node ? ` (${node}${arch ? `, ${arch}` : ''})` : ''}: its manifest has no variant for that OS/architecture ("${clipAround(msg, platform[0], 160)}"), as when an image built only for amd64 (x86-64) is pulled on an arm64 (ARM, e.g. Graviton) node — ${now.reason}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
            `event: ${clip(msg)}`,
          ],
          advice: `publish a multi-arch image (a manifest list with linux/amd64 and linux/arm64), or keep ${owner ?? 'the workload'} on nodes of the architecture the image has (nodeSelector kubernetes.io/arch)`,
        };
      }
      return {
        weight: 87 + b,
        object: objectLabel,
        cause: credentials
          ? `the image ${image} cannot be pulled: pull access denied (the registry requires credentials; no working imagePullSecret) — ${now.reason}${missingSecret ? `; ${missingSecret}, so the kubelet pulls without credentials` : ''}`
          : alt?.kind === 'host' && alt.sibling
            ? `the image ${image} cannot be pulled from ${image.slice(0, image.indexOf('/'))} (not found, ${now.reason}), while the install's other images of the same organisation (${alt.from}) all come from ${alt.image.slice(0, alt.image.indexOf('/'))}: the image is most likely mirrored there too, as ${alt.image}`
            : alt?.kind === 'host'
              ? `the image ${image} does not exist in the registry: its registry host ${image.slice(0, image.indexOf('/'))} is wrong${LOOPBACK_REGISTRY.test(image) ? ` (localhost in an image name is the node itself: each node's kubelet pulls the image, and nothing listens on that port of the node, no registry there, so a registry the build machine reached at localhost is not reachable from the node)` : ''} — the repository ${alt.image.slice(alt.image.indexOf('/') + 1, alt.image.lastIndexOf(':'))} is pulled from ${alt.image.slice(0, alt.image.indexOf('/'))} (${alt.from}), so the image is most likely ${alt.image} — not found, ${now.reason}`
              : alt?.kind === 'repository'
                ? `the image ${image} does not exist in the registry: its repository name is misspelled (${alt.image.slice(0, alt.image.lastIndexOf(':'))} is the likely intended one, matching ${alt.from}) — not found, ${now.reason}`
                : `the image ${image} does not exist in the registry (wrong tag${alt ? `; ${alt.image} is the one seen in ${alt.from}` : ' or repository name'}: not found) — ${now.reason}${slip ? `; the tag ${image.slice(image.lastIndexOf(':') + 1)} ${slip.likely.startsWith('v') ? 'lacks the leading "v"' : 'carries a leading "v" (a v prefix)'} that the repository's other tags ${slip.likely.startsWith('v') ? 'have' : 'do not have'} (${slip.convention}), so the release was most likely pushed as ${slip.likely}${slip.likely.startsWith('v') ? '' : ', without the v'}` : ''}`,
        evidence: [
          `describe_pod ${pod}: ${kind} ${c.name} Waiting, Reason ${now.reason}, Image ${image}`,
          ...(msg ? [`event: ${clip(msg)}`] : []),
        ],
        // A previous revision whose image ran is the safest way back; with none, the image the
        // evidence points at is set directly.
        ...(!credentials && owner && revisions > 1
          ? {
              fix: {
                tool: 'rollback_deployment',
                args: { namespace: ns, name: owner },
                text: `roll ${owner} back to its previous revision, whose image exists`,
              },
              // The release's own image where the evidence places it (the registry host
              // the earlier revisions pull from, the tag unchanged): what is tried when the rollback is refused.
              ...(alt?.kind === 'host' && !alt.sibling && canSetImage && !c.init
                ? {
                    fallback: {
                      tool: 'set_image',
                      args: { namespace: ns, deployment: owner, container: c.name, image: alt.image },
                      text: `set the image of ${owner}/${c.name} to ${alt.image}, the release's own tag where the earlier revisions pull from`,
                    },
                  }
                : {}),
            }
          : !credentials && owner && alt && canSetImage && !c.init
            ? {
                fix: {
                  tool: 'set_image',
                  args: { namespace: ns, deployment: owner, container: c.name, image: alt.image },
                  text: `set the image of ${owner}/${c.name} to ${alt.image}`,
                },
              }
            : {}),
        advice: credentials
          ? 'add an imagePullSecret with credentials for the registry'
          : slip
            ? `set the image tag to ${slip.likely} if that is what CI pushed, or roll back`
            : alt
              ? `set the image to ${alt.image}`
              : 'set the image to a tag that exists, or roll back',
      };
    }
    return undefined;
  },
};

/**
 * A pod of the namespace whose log shows it refreshing registry credentials (a registry login, a
 * dockerconfigjson written into a Secret) and failing: its name, its error line, and whether it logs in
 * to Amazon ECR (whose tokens last 12 hours).
 */
function credentialRefresher(
  seen: Facts['seen'],
  ns: string,
): { pod: string; line: string; ecr: boolean } | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const text = o.content.slice(0, 200_000);
    if (
      !/get-login-password|get-authorization-token|docker-registry|dockerconfig|docker login|registry login/i.test(
        text,
      )
    )
      continue;
    const line = text
      .split('\n')
      .find((l) => /\b(?:error|failed|denied|invalid|illegal|forbidden)\b/i.test(l) && !/^\+ /.test(l));
    if (line) return { pod: String(o.args['name'] ?? ''), line: line.trim(), ecr: /\becr\b/i.test(text) };
  }
  return undefined;
}

/** A pull's failure line quoted with both ends in view: what failed (`Failed to pull image …`) and why. */
function pullQuote(line: string): string {
  const t = line.trim().replace(/\s+/g, ' ');
  if (t.length <= 240) return t;
  return `${clip(t, 100)} ${clipAround(t, 'no space left on device', 130)}`;
}
