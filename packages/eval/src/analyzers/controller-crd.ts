import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

const CERT_MANAGER = 'cert-manager';
// What client-go logs when a kind's API is not served: its CustomResourceDefinition is not installed.
const NOT_SERVED = 'the server could not find the requested resource';
// The same without its first word, which the harness's redaction may have masked after a type named like
// a credential (`*v1.KongCredential: <redacted> server could not find …`).
const NOT_SERVED_TAIL = 'server could not find the requested resource';

/** Whether the task or what was read points at cert-manager: a certificate that is not ready, a TLS secret it has not issued. */
function pointsAtCertManager(ctx: AnalyzerContext): boolean {
  if (/\bcertificates?\b|\bcert-manager\b/i.test(ctx.task.slice(0, 4000))) return true;
  return ctx.seen.some((o) => o.status === 'ok' && o.content.includes('cert-manager has not issued'));
}

/** The cert-manager controller's pod (not its webhook or cainjector), from a listing of its namespace. */
function controllerPod(ctx: AnalyzerContext): string | undefined {
  const list = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === CERT_MANAGER).pop();
  if (!list) return undefined;
  return parseTable(list.content)
    .map((r) => r['NAME'] ?? '')
    .find((n) => n.startsWith('cert-manager-') && !/webhook|cainjector|startupapicheck/.test(n));
}

/**
 * The release the logging controller runs: its image (from its pod's description, the container whose log
 * it is) or the release its own start-up banner prints (`Release: 0.9.1`).
 */
function release(
  ctx: AnalyzerContext,
  o: { args: Record<string, unknown>; content: string },
): string | undefined {
  const pod = String(o.args['name'] ?? '');
  const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
  const sections = d ? containerSections(d.content).filter((c) => !c.init) : [];
  const c =
    typeof o.args['container'] === 'string'
      ? sections.find((x) => x.name === o.args['container'])
      : sections[0];
  const image = c ? describedField(c.body, 'Image') : undefined;
  if (image && /:[\w.-]{1,60}$/.test(image)) return `image ${image}`;
  const said = /^\s{0,8}Release:\s{1,8}(v?\d{1,4}(?:\.\d{1,4}){1,3}[\w.-]{0,20})\s*$/m.exec(
    o.content.slice(0, 5000),
  )?.[1];
  return said ? `release ${said}` : undefined;
}

/**
 * The release the rest of a controller's install runs, when the controller's image lags it: the other
 * Deployments of its namespace whose images come from the same registry owner (`argoproj/argocli:v2.4.3`
 * beside `argoproj/workflow-controller:v1.1.0`) all run one version tag that differs from the controller's.
 * The controller's Deployment and container come from its pod's description.
 */
function siblingRelease(
  ctx: AnalyzerContext,
  o: { args: Record<string, unknown> },
): { deployment: string; container: string; image: string; tag: string; siblings: string } | undefined {
  const ns = String(o.args['namespace'] ?? ctx.ns);
  const pod = String(o.args['name'] ?? '');
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (x) => x.args['namespace'] === ns && x.args['name'] === pod,
  ).pop();
  const deployment = d ? ownerDeployment(d.content) : undefined;
  const apps = d ? containerSections(d.content).filter((c) => !c.init) : [];
  const c =
    typeof o.args['container'] === 'string' ? apps.find((x) => x.name === o.args['container']) : apps[0];
  const image = c ? describedField(c.body, 'Image') : undefined;
  const at = image?.lastIndexOf(':') ?? -1;
  if (!deployment || !c || !image || at < 0 || image.includes('@')) return undefined;
  const repo = image.slice(0, at);
  const owner = repo.slice(0, repo.lastIndexOf('/') + 1);
  if (!owner) return undefined;
  const listed = outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ns).pop();
  const others = parseTable(listed?.content.slice(0, 200_000) ?? '')
    .filter((r) => r['NAME'] !== deployment)
    .flatMap((r) => (r['IMAGES'] ?? '').split(',').map((i) => ({ name: r['NAME'] ?? '', image: i.trim() })))
    .filter((x) => x.image.startsWith(owner) && x.image.lastIndexOf(':') > owner.length);
  const tags = new Set(others.map((x) => x.image.slice(x.image.lastIndexOf(':') + 1)));
  const tag = [...tags][0];
  if (tags.size !== 1 || !tag || !/^v?\d{1,4}(?:\.\d{1,4}){1,3}$/.test(tag)) return undefined;
  // Only an upgrade: the siblings' release newer than the controller's (`v2.4.3` and `2.4.3` are one).
  if (!newer(tag, image.slice(at + 1))) return undefined;
  return {
    deployment,
    container: c.name,
    image: `${repo}:${tag}`,
    tag,
    siblings: others
      .map((x) => `${x.name} ${x.image}`)
      .slice(0, 3)
      .join(', '),
  };
}

/** Whether version tag `a` is a later release than `b` (`v2.4.3` > `v1.1.0`; a `v` prefix aside). */
function newer(a: string, b: string): boolean {
  const parts = (t: string) => /^v?(\d{1,4}(?:\.\d{1,4}){0,3})$/.exec(t)?.[1]?.split('.').map(Number);
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return false;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/**
 * An operator whose own resources are not served: its log repeats client-go's "failed to list
 * *v1.Challenge: the server could not find the requested resource (get challenges.acme.cert-manager.io)",
 * which is what the API server answers for a kind whose CustomResourceDefinition is not installed (a
 * chart upgraded without its CRDs). cert-manager then never creates the Challenge an ACME Order needs,
 * so the Certificate stays not Ready and its Secret is never written (cert-manager/cert-manager#2408).
 * Read when the question is about a certificate, or a TLS Secret cert-manager has not issued.
 */
export const controllerCrdAnalyzer: Analyzer = {
  name: 'controller-crd',
  reads(ctx): Read[] {
    if (!pointsAtCertManager(ctx)) return [];
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === CERT_MANAGER).length > 0;
    if (!listed) return [{ tool: 'list_pods', args: { namespace: CERT_MANAGER } }];
    const pod = controllerPod(ctx);
    if (!pod) return [];
    const searched = outputs(ctx.seen, 'search_pod_logs', (o) => o.args['name'] === pod).length > 0;
    return searched
      ? []
      : [{ tool: 'search_pod_logs', args: { namespace: CERT_MANAGER, name: pod, pattern: NOT_SERVED } }];
  },
  finds(ctx) {
    for (const o of [...outputs(ctx.seen, 'search_pod_logs'), ...outputs(ctx.seen, 'get_pod_logs')]) {
      // A log line, not the search's own header (which quotes the pattern).
      const line = o.content.split('\n').find((l) => l.includes(NOT_SERVED_TAIL) && l.includes('(get '));
      if (!line) continue;
      const resource = /\(get ([a-z0-9]{1,63}\.[a-z0-9.-]{1,253})\)/.exec(line)?.[1];
      if (!resource) continue;
      const kind = /\*v[0-9a-z]{1,12}\.([A-Za-z]{1,63})/.exec(line)?.[1];
      const [plural, ...group] = resource.split('.');
      const runs = release(ctx, o);
      // The CRD is there (a list or a search shows it): the controller asks for a version it does not serve.
      const installed =
        outputs(ctx.seen, 'list_resources')
          .concat(outputs(ctx.seen, 'find_objects'))
          .some((x) =>
            parseTable(x.content.slice(0, 200_000)).some(
              (r) =>
                r['NAME'] === resource &&
                (r['KIND'] === undefined || r['KIND'] === 'CustomResourceDefinition'),
            ),
          ) ||
        // A description or a manifest of the CRD itself that the API server returned.
        outputs(ctx.seen, 'describe_resource')
          .concat(outputs(ctx.seen, 'get_resource'))
          .some(
            (x) =>
              x.args['name'] === resource &&
              /^(?:customresourcedefinitions?|crds?)$/i.test(String(x.args['kind'] ?? '')),
          );
      const upgrade = runs ? siblingRelease(ctx, o) : undefined;
      return [
        {
          weight: 96,
          object: `customresourcedefinition ${resource}`,
          ...(upgrade
            ? {
                fix: {
                  tool: 'set_image',
                  args: {
                    namespace: String(o.args['namespace'] ?? ctx.ns),
                    deployment: upgrade.deployment,
                    container: upgrade.container,
                    image: upgrade.image,
                  },
                  text: `set the image of ${upgrade.deployment}/${upgrade.container} to ${upgrade.image}, the release the rest of the install runs (${upgrade.siblings})`,
                },
              }
            : {}),
          cause: `${installed ? `the CustomResourceDefinition ${resource} is installed, but not in the API version this controller lists` : `the CustomResourceDefinition ${resource} is not installed`}: ${String(o.args['name'] ?? 'the controller')} in ${String(o.args['namespace'] ?? '')} keeps failing to list ${kind ?? plural} ("${clip(line.trim(), 200)}"), which is what the API server answers for a kind it does not serve; ${installed ? `so the controller cannot list or create ${kind ? `${kind}s` : plural}` : `without the ${kind ?? plural} CRD (${plural} of ${group.join('.')}) the controller cannot create ${kind ? `${kind}s` : plural}`}, so what waits on them never completes${runs ? `; the controller runs ${runs}, and the CRDs installed do not match that release (a CRD set from another release, or one left out of an upgrade): install the CRDs of the release that runs, or upgrade the controller to a release that matches the CRDs${upgrade ? `: the rest of the install runs ${upgrade.tag} (${upgrade.siblings}), so the controller's image should be ${upgrade.image}` : ''}` : ''}${/acme\.cert-manager\.io/.test(resource) ? ": cert-manager creates no Challenge for the ACME Order, so the Certificate stays not Ready and its TLS Secret is never issued (not a Let's Encrypt rate limit)" : ''}`,
          evidence: [`${o.tool} ${String(o.args['name'] ?? '')}: "${clip(line.trim(), 200)}"`],
          advice: upgrade
            ? `set the controller's image to ${upgrade.image}, the release the rest of its install runs (${upgrade.siblings}) and whose CRDs are installed; or install the CRDs of the release the controller runs`
            : `install the CRDs of the release that runs (for cert-manager: kubectl apply the cert-manager.crds.yaml of its version, or upgrade the chart with crds.enabled / installCRDs true), then the controller picks them up; nothing else needs to change`,
        },
      ];
    }
    return [];
  },
};
