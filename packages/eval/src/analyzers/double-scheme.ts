import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, boundedLogLines, clip, envFix, type Finding, outputs, podObject } from './types.js';

/**
 * A URL written with two schemes, the second inside the first's host (`s3://https://minio:9000/bucket`,
 * `http://http://api`): the scheme a program wants (s3://, for its S3 client) with the endpoint's own
 * `https://` pasted after it. Schemes are RFC 3986's (a letter, then letters, digits, `+`, `-`, `.`);
 * bounded, so linear on any line.
 */
const TWO_SCHEMES = /\b([a-z][a-z0-9+.-]{0,15}):\/\/([a-z][a-z0-9+.-]{0,15}):\/\/([^\s"'<>]{1,2000})/i;
/**
 * A failure of what the URL names, not of the URL: the bucket, the credentials, the permissions. Some
 * clients take the two-scheme form on purpose (Triton's `s3://https://host:port/bucket` asks for TLS to
 * a private S3), so a line that says the store answered is no sign the URL is wrong.
 */
const STORE_ANSWERED =
  /NoSuchBucket|NoSuchKey|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|credential|\b40[13]\b|forbidden|unauthori[sz]ed/i;

/**
 * A program that fails on a URL setting written with two schemes: its log's failure line quotes the
 * value (`failed to stat file s3://https://minio…`), and one literal variable of the container holds it.
 * Neither scheme's parser takes `https://…` as a host (the outer scheme's client reads `https:` as the
 * host, or stats the whole string as a path), so the program cannot reach what the URL names. The fix
 * keeps the outer scheme, the one the program asked for (Triton's model repository takes
 * `s3://host:port/bucket`), and drops the inner one, through `set_env`.
 */
export const doubleSchemeAnalyzer: Analyzer = {
  name: 'double-scheme',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = boundedLogLines(log.content).find(
        (l) => l.length <= 4000 && TWO_SCHEMES.test(l) && !STORE_ANSWERED.test(l),
      );
      if (!line) continue;
      const m = TWO_SCHEMES.exec(line)!;
      const quoted = m[0];
      const hit = loggedContainerEnv(
        seen,
        ns,
        log,
        // The variable that holds the two-scheme URL itself (not one that only starts it: STORAGE_TYPE=s3).
        (e) =>
          e.value.length <= 2000 &&
          TWO_SCHEMES.test(e.value) &&
          (quoted.startsWith(e.value) || e.value.startsWith(quoted)),
      );
      if (!hit) continue;
      const { pod, container, variable, value, owner } = hit;
      const inner = TWO_SCHEMES.exec(value);
      if (!inner) continue;
      const fixed = `${inner[1]}://${inner[3]}`;
      const out: Finding = {
        weight: 89,
        object: podObject(owner, pod),
        cause: `${variable} of container ${container} is a URL written with two schemes (${clip(value, 160)}): the endpoint's own ${inner[2]}:// sits inside the ${inner[1]}:// URL, so the program takes "${inner[2]}:" for the host (or the whole string for a path) and cannot reach it: "${clip(line.trim(), 220)}"; the value should be ${clip(fixed, 160)}`,
        evidence: [
          `logs of ${pod}: "${clip(line.trim(), 220)}"`,
          `describe_pod ${pod}: ${variable}: ${clip(value, 160)}`,
        ],
        advice: `set ${variable} to ${clip(fixed, 160)}: one scheme, the one the program expects, with the endpoint's host and port after it`,
        revisionSound: true,
        ...envFix(
          ns,
          owner,
          container,
          [{ name: variable, value: fixed }],
          `set ${variable} of ${owner}/${container} to ${fixed}, the URL with one scheme`,
        ),
      };
      return [out];
    }
    return [];
  },
};
