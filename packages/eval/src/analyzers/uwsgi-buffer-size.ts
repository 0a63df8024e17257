import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  describeFirstLogging,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/**
 * uWSGI's refusal of a request whose header block is larger than its buffer (`invalid request block
 * size: 6244 (max 4096)...skip`): the request's variables (headers, cookies) must fit `buffer-size`,
 * 4096 bytes by default (uWSGI docs, "buffer-size"). uWSGI drops such a request, and the proxy in front
 * answers 502.
 */
const BLOCK = /invalid request block size: (\d{1,7}) \(max (\d{1,7})\)/;
/** uWSGI takes every option from an UWSGI_<OPTION> variable too (uWSGI docs, "Configuring uWSGI"). */
const VARIABLE = 'UWSGI_BUFFER_SIZE';
/** The largest buffer uWSGI accepts: the size is a 16-bit field of the uwsgi protocol. */
const MAX_BUFFER = 65535;

/**
 * Requests dropped by uWSGI because their headers outgrew its buffer: a change in front (an SSO proxy
 * that adds its access token and cookies to every request) makes the header block larger than
 * `buffer-size`, so those requests get a 502 while small ones pass. Found from the application's log;
 * the fix raises `buffer-size` through UWSGI_BUFFER_SIZE to the next power of two above twice the
 * largest block seen, at most 65535.
 */
export const uwsgiBufferSizeAnalyzer: Analyzer = {
  name: 'uwsgi-buffer-size',
  first: true,
  reads({ ns, seen }) {
    return describeFirstLogging(seen, ns, (l) => l.includes('invalid request block size'));
  },
  finds({ ns, seen }) {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      if (!o.content.includes('invalid request block size')) continue;
      const blocks = boundedLogLines(o.content)
        .map((l) => ({ l, m: BLOCK.exec(l) }))
        .filter((x) => x.m !== null);
      if (blocks.length === 0) continue;
      const largest = Math.max(...blocks.map((x) => Number(x.m![1])));
      const max = Number(blocks[0]!.m![2]);
      const pod = String(o.args['name'] ?? '');
      const described = outputs(
        seen,
        'describe_pod',
        (d) => d.args['name'] === pod && (d.args['namespace'] ?? ns) === ns,
      ).pop()?.content;
      const owner = described ? ownerDeployment(described) : undefined;
      const holder = described
        ? containerSections(described)
            .filter((c) => !c.init)
            .map((c) => ({ c, v: envOf(c.body).find((e) => e.name === VARIABLE) }))
            .find((x) => x.v !== undefined)
        : undefined;
      // No buffer-size variable, but the container is configured through UWSGI_ variables: one more is
      // read the same way.
      const configured =
        holder ??
        (described
          ? containerSections(described)
              .filter((c) => !c.init && envOf(c.body).some((e) => e.name.startsWith('UWSGI_')))
              .map((c) => ({ c, v: undefined }))[0]
          : undefined);
      // Never lower than what the variable already holds (a log from before it took effect).
      const current = Number(holder?.v?.value ?? 0) || 0;
      let next = 1;
      while (next < largest * 2 || next <= max || next <= current) next *= 2;
      const wanted = String(Math.min(next, MAX_BUFFER));
      const out: Finding = {
        weight: 90,
        object: podObject(owner, pod),
        cause: `uWSGI in pod ${pod} drops requests whose header block is larger than its buffer: "${clip(blocks[0]!.l.trim(), 120)}" (${blocks.length} such line${blocks.length === 1 ? '' : 's'}, the largest ${largest} bytes against a buffer-size of ${max}${holder ? `, set by ${VARIABLE}=${holder.v!.value}` : ''}); the requests' headers and cookies no longer fit (something in front of it adds to them), so those requests get a 502 from the proxy in front while small ones pass. The workers are not overloaded`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(blocks[0]!.l.trim(), 160)}"`,
          ...(holder ? [`describe_pod ${pod}: ${VARIABLE}: ${holder.v!.value}`] : []),
        ],
        advice: `raise uWSGI's buffer-size above the largest header block (${VARIABLE}=${wanted}, at most 65535), or send smaller headers (fewer or shorter cookies)`,
        ...(configured && Number(wanted) > current
          ? envFix(
              ns,
              owner,
              configured.c.name,
              [{ name: VARIABLE, value: wanted }],
              `set ${VARIABLE}=${wanted} on ${owner}/${configured.c.name}, a buffer above the largest header block (${largest} bytes)`,
            )
          : {}),
      };
      return [out];
    }
    return [];
  },
};
