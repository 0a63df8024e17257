import { parseTable } from '../k8s-text.js';
import { type Analyzer, containerSections, type Finding, outputs, podOwnerObject } from './types.js';

/**
 * An image reference with no repository before its tag or digest (`:0.111.0`, `@sha256:…`, or after a
 * registry host, `docker.io/:2.4.1`; the groups are the registry and the tag or digest): what a chart
 * renders from `{{ .Values.image.repository }}:{{ .Values.image.tag }}` when the values set only the tag.
 * The container runtime cannot parse it (the kubelet's `InvalidImageName`, "couldn't parse image name …
 * invalid reference format"; the reference grammar of distribution/reference needs a name first).
 */
const NO_REPOSITORY = /^(?:([\w.-]{1,253}(?::\d{1,5})?)\/)?([:@][\w.:+-]{1,128})$/;
/** Container names too common to say which program runs (a chart's `app`, `main`, `server`). */
const GENERIC_NAMES = new Set([
  'app',
  'main',
  'server',
  'web',
  'api',
  'worker',
  'backend',
  'frontend',
  'container',
  'service',
  'default',
]);

/**
 * Repositories of well-known programs by the container name charts give them, for when nothing read
 * names the repository: the OpenTelemetry Collector's "contrib" distribution
 * (github.com/open-telemetry/opentelemetry-collector-releases, distributions/otelcol-contrib) carries
 * every component of the core one and the vendors' exporters (ClickHouse, Loki, Elasticsearch…), so it
 * runs any configuration the core image runs and the ones the core image refuses.
 */
const KNOWN: readonly { container: RegExp; repository: string; why: string }[] = [
  {
    container: /^(?:opentelemetry-collector|otel-collector|otelcol(?:-contrib)?)$/,
    repository: 'otel/opentelemetry-collector-contrib',
    why: "the OpenTelemetry Collector's contrib distribution, which has every component of the core image plus the vendors' exporters (such as clickhouse), so it runs the collector's configuration whichever components it uses",
  },
];

/**
 * The repository other containers of the same name run, by the namespace's Deployments' IMAGES column: any
 * Deployment's for a distinctive container name, only a sibling's for a generic one (see `GENERIC_NAMES`).
 */
function repositoryElsewhere(
  listed: string | undefined,
  container: string,
  deployment: string | undefined,
): string | undefined {
  for (const r of parseTable(listed ?? '')) {
    const name = r['NAME'] ?? '';
    if (name === deployment) continue;
    // A generic container name says which program only in a sibling of the same workload (`invoices`,
    // `invoices-canary`); elsewhere another program may use the same name.
    const sibling = !!deployment && (name.startsWith(`${deployment}-`) || deployment.startsWith(`${name}-`));
    if (!sibling && (GENERIC_NAMES.has(container) || container.length < 6)) continue;
    for (const image of (r['IMAGES'] ?? '').split(',').slice(0, 20)) {
      const repo = image.trim().replace(/[:@][^/]{1,200}$/, '');
      if (repo && repo.split('/').pop() === container) return repo;
    }
  }
  return undefined;
}

/**
 * A pod whose container's image has a tag but no repository (`:0.111.0`), so it waits in
 * InvalidImageName: whatever rendered the manifest (a chart's values that set `image.tag` only) left the
 * repository empty. No registry was asked; the tag is not what is missing. The fix sets the repository
 * before the same tag: the one another Deployment of the namespace runs for a container of that name, else
 * a well-known program's (see `KNOWN`); no fix when neither says.
 */
export const imageWithoutRepositoryAnalyzer: Analyzer = {
  name: 'image-without-repository',
  reads: () => [],
  finds(ctx): Finding[] {
    const listed = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).pop()
      ?.content;
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(d.args['name'] ?? '');
      for (const c of containerSections(d.content.slice(0, 200_000))) {
        const shown = /^\s{2,12}Image:\s{1,40}(\S{1,300})\s*$/m.exec(c.body)?.[1];
        const bare = shown ? NO_REPOSITORY.exec(shown) : null;
        if (!shown || !bare) continue;
        const image = shown;
        const registry = bare[1];
        const tag = bare[2]!;
        const object = podOwnerObject(d.content, pod);
        const deployment = object.startsWith('deployment ') ? object.slice('deployment '.length) : undefined;
        const elsewhere = repositoryElsewhere(listed, c.name, deployment);
        const known = elsewhere ? undefined : KNOWN.find((k) => k.container.test(c.name));
        const repository = elsewhere ?? known?.repository;
        // The registry the reference named stays in front of a well-known repository.
        const fixed = elsewhere
          ? `${elsewhere}${tag}`
          : known
            ? `${registry ? `${registry}/` : ''}${known.repository}${tag}`
            : undefined;
        return [
          {
            weight: 93,
            object,
            cause: `the image of container ${c.name} is "${image}": a tag with no repository (no image name before the colon), so the runtime cannot parse it (InvalidImageName, invalid reference format) and the container never starts. No registry was asked: it is not a missing tag. Whatever rendered the manifest set the image's tag and left its repository empty (a chart's values with image.tag and no image.repository)`,
            evidence: [`describe_pod ${pod}: container ${c.name} Image ${image}`],
            ...(deployment && fixed
              ? {
                  fix: {
                    tool: 'set_image',
                    args: { namespace: ctx.ns, deployment, container: c.name, image: fixed },
                    text: `set the image of container ${c.name} of ${deployment} to ${fixed}: ${
                      elsewhere
                        ? `the repository ${elsewhere} that ${c.name} runs from elsewhere in ${ctx.ns}`
                        : known!.why
                    }, keeping the tag`,
                  },
                }
              : {}),
            advice: `set the repository in the values (image.repository) as well as the tag${
              repository ? `, ${repository}` : ''
            }, so the next install renders a full image reference`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
