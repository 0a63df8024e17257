// What a packed package.json promises and whether the tarball keeps the promise. The workspace's
// `exports` carry a `@sre-harness/source` condition pointing at `src/` (tests and `pnpm eval` read the
// source through it); `src/` is not shipped, so the published manifest must not carry it: pnpm
// replaces `exports` by `publishConfig.exports` when it packs, and that copy is the same map without
// the condition (`node scripts/sync-publish-exports.mjs` writes it).

/** The export condition that points at the TypeScript source, for the workspace only. */
export const SOURCE_CONDITION = '@sre-harness/source';

/** An exports map (or any value in it) without the source condition, at any depth. */
export function withoutSource(value) {
  if (Array.isArray(value)) return value.map(withoutSource);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) if (key !== SOURCE_CONDITION) out[key] = withoutSource(v);
  return out;
}

/** Whether an exports map (or part of one) has the source condition anywhere. */
export function hasSource(value) {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key === SOURCE_CONDITION || hasSource(v));
}

/** Every file a manifest points at (exports leaves, main, types, module, bin), as `[field, path]`. */
export function manifestTargets(manifest) {
  const out = [];
  const walk = (value, where) => {
    if (typeof value === 'string') out.push([where, value]);
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${where}[${i}]`);
    } else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, `${where}[${JSON.stringify(k)}]`);
  };
  walk(manifest.exports, 'exports');
  for (const field of ['main', 'types', 'typings', 'module']) walk(manifest[field], field);
  walk(manifest.bin, 'bin');
  return out;
}

const normalize = (p) => p.replace(/^\.\//, '');

/** Whether `target` (a path, or a subpath pattern with one `*`) names a file in `shipped`. */
function shipsTarget(target, shipped) {
  const path = normalize(target);
  if (!path.includes('*')) return shipped.has(path);
  const [head, tail] = path.split('*', 2);
  for (const f of shipped) if (f.startsWith(head) && f.endsWith(tail ?? '')) return true;
  return false;
}

/**
 * What is wrong with a packed manifest given the files of its tarball: the source condition left in
 * its exports, and every target (exports, main, types, bin) that is not in the tarball.
 */
export function packedManifestProblems(manifest, shipped) {
  const problems = [];
  if (hasSource(manifest.exports))
    problems.push(
      `exports still carry the ${SOURCE_CONDITION} condition (src/ is not shipped); set publishConfig.exports (node scripts/sync-publish-exports.mjs)`,
    );
  for (const [field, target] of manifestTargets(manifest)) {
    if (!shipsTarget(target, shipped))
      problems.push(`${field} points at ${target}, which is not in the tarball`);
  }
  return problems;
}

/**
 * For a workspace manifest: whether `publishConfig.exports` is `exports` without the source
 * condition (undefined when it is, or when there is no condition to strip), else why not.
 */
export function publishExportsDrift(manifest) {
  if (!hasSource(manifest.exports)) return undefined;
  const want = JSON.stringify(withoutSource(manifest.exports));
  const have = JSON.stringify(manifest.publishConfig?.exports);
  if (have === undefined)
    return 'exports carry the source condition and publishConfig.exports is not set (node scripts/sync-publish-exports.mjs)';
  if (have !== want)
    return 'publishConfig.exports is not exports without the source condition (node scripts/sync-publish-exports.mjs)';
  return undefined;
}

/**
 * Relative links of a packed README that lead nowhere on npm: to a file outside the package
 * (`../../README.md`) or not in the tarball. Absolute URLs and in-page anchors are fine.
 */
export function readmeLinkProblems(text, shipped) {
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]),
  ];
  const problems = [];
  for (const target of targets) {
    if (/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target)) continue;
    const path = normalize(target.split('#')[0] ?? '');
    if (path === '' || (!path.startsWith('../') && shipped.has(path))) continue;
    problems.push(`README links to ${target}, which is not in the package (use an absolute URL)`);
  }
  return [...new Set(problems)];
}
