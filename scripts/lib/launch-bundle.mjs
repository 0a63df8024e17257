// Bundles a command's TypeScript entry (and the workspace packages it loads, from their sources)
// with esbuild into a cache under node_modules/.cache, so scripts/launch.mjs can run a fresh clone
// without transpiling every module through tsx on every start.
//
// What is bundled: the sources of the workspace packages, resolved through their `@sre-harness/source`
// export condition. What is not: third-party packages. Each of their imports is resolved at build
// time from the importing source file, as Node would resolve it there, and left as an import of that
// file's absolute URL, so the bundle loads the same files the sources would (native, wasm and JSON
// assets included) and dynamic imports stay lazy. `import.meta.url` in a source file is replaced by
// that file's own URL, and `import.meta.resolve('literal')` by what it resolves to, so code that finds
// files next to itself (templates, caches, createRequire) behaves as it does from the sources.
//
// The cache: one directory per command and key, the key a hash of what went in (each source file's
// path, mtime and size, the packages' package.json and tsconfig files, the installed dependencies'
// state, this file, the esbuild and Node versions, the repository's path). A build is written to a
// temporary directory and renamed into place, so two launchers starting at once both end up using one
// complete bundle, and a directory whose manifest does not match its files is removed and rebuilt.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the bundle's layout or esbuild options change: older cache entries are then unused. */
export const CACHE_FORMAT = 1;
/** Where the bundles live, under the repository's root. */
export const CACHE_DIR = join('node_modules', '.cache', 'sre-harness-launch');
const MANIFEST = 'manifest.json';
/** Cache entries not used for this long are removed when another is built. */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

const here = fileURLToPath(import.meta.url);

/** Source files of a package that can change what is bundled (tests excluded). */
export const isSource = (name) => /\.(ts|tsx|mts|cts|js|mjs|json)$/.test(name) && !/\.test\.tsx?$/.test(name);

/** The workspace's packages by name → directory, from the globs of pnpm-workspace.yaml (`dir/*`). */
export function workspacePackages(root) {
  const out = new Map();
  let globs = ['packages/*', 'apps/*'];
  try {
    const text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
    const listed = [...text.matchAll(/^\s+-\s+["']?([^"'\s#]+)\/\*["']?\s*$/gm)].map((m) => `${m[1]}/*`);
    if (listed.length > 0) globs = listed;
  } catch {
    // no workspace file: the two usual folders
  }
  for (const glob of globs) {
    const parent = glob.slice(0, -2);
    let names = [];
    try {
      names = readdirSync(join(root, parent));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(parent, name);
      try {
        const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
        if (typeof pkg.name === 'string') out.set(pkg.name, dir);
      } catch {
        // not a package
      }
    }
  }
  return out;
}

/** The workspace packages `entryDir` loads at run time (itself and its dependencies, transitively). */
export function packageClosure(root, entryDir, packages = workspacePackages(root)) {
  const seen = new Set([entryDir]);
  const todo = [entryDir];
  while (todo.length > 0) {
    const dir = todo.pop();
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const deps = { ...pkg.optionalDependencies, ...pkg.peerDependencies, ...pkg.dependencies };
    for (const name of Object.keys(deps)) {
      const dep = packages.get(name);
      if (dep && !seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return [...seen].sort();
}

/** The package directory (relative to root) holding `file` (relative to root). */
function packageOf(root, file) {
  for (let dir = dirname(file); dir !== '.' && dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(root, dir, 'package.json'))) return dir;
  }
  return '.';
}

function listFiles(dir, keep, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') listFiles(p, keep, out);
    } else if (keep(e.name)) out.push(p);
  }
  return out;
}

/** The installed esbuild's version, read from its package.json (esbuild itself is not loaded), or undefined. */
export function esbuildVersion(root) {
  // The project's esbuild, else the one beside this file (the one `import('esbuild')` here loads).
  for (const from of [join(root, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const require = createRequire(from);
      return JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * The cache key of a command's bundle: a hash of everything that goes into it. `spec` is
 * `{ name, entries: { outputName: sourcePath } }` with paths relative to `root`; the first entry is
 * the one that is run.
 */
export function cacheKey(root, spec, { esbuild = esbuildVersion(root), node = process.version } = {}) {
  const hash = createHash('sha256');
  const line = (...parts) => hash.update(`${parts.join('\t')}\n`);
  const stamp = (file) => {
    try {
      const s = statSync(file);
      line(relative(root, file), s.mtimeMs, s.size);
    } catch {
      line(relative(root, file), 'missing');
    }
  };
  line('format', CACHE_FORMAT, 'node', node, 'esbuild', esbuild ?? 'none', 'root', root);
  line('command', spec.name, JSON.stringify(spec.entries));
  stamp(here);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.base.json', 'pnpm-lock.yaml'])
    stamp(join(root, f));
  // Changes with every install: what the third-party imports resolve to.
  stamp(join(root, 'node_modules', '.modules.yaml'));
  for (const dir of packageDirs(root, spec)) {
    for (const f of ['package.json', 'tsconfig.json']) stamp(join(root, dir, f));
    for (const file of listFiles(join(root, dir, 'src'), isSource, []).sort()) stamp(file);
  }
  return hash.digest('hex').slice(0, 20);
}

/** The workspace packages (directories relative to root) the entries of `spec` load, sorted. */
function packageDirs(root, spec) {
  const dirs = new Set();
  for (const entry of Object.values(spec.entries)) {
    for (const dir of packageClosure(root, packageOf(root, entry))) dirs.add(dir);
  }
  return [...dirs].sort();
}

/** The source files (absolute paths) of the packages `spec` loads. */
function sourceFiles(root, spec) {
  return packageDirs(root, spec).flatMap((dir) => listFiles(join(root, dir, 'src'), isSource, []));
}

/** The files of a built bundle and their sizes, as its manifest lists them; undefined when it is incomplete. */
export function readBundle(dir, key) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    if (manifest.format !== CACHE_FORMAT || manifest.key !== key || typeof manifest.entry !== 'string') {
      return undefined;
    }
    for (const [file, size] of Object.entries(manifest.files)) {
      if (statSync(join(dir, file)).size !== size) return undefined;
    }
    return manifest;
  } catch {
    return undefined;
  }
}

/** Replaces `import.meta` in a source file by what it is for that file (see the top of this file). */
async function rewriteImportMeta(text, file, resolve) {
  const url = pathToFileURL(file).href;
  let out = text
    .replaceAll('import.meta.url', JSON.stringify(url))
    .replaceAll('import.meta.filename', JSON.stringify(file))
    .replaceAll('import.meta.dirname', JSON.stringify(dirname(file)));
  const calls = [...out.matchAll(/import\.meta\.resolve\(\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*\)/g)];
  for (const m of calls) {
    out = out.replace(m[0], JSON.stringify(await resolve(m[1] ?? m[2])));
  }
  if (out.includes('import.meta.resolve')) {
    throw new Error(`${file}: import.meta.resolve with a specifier that is not a string literal`);
  }
  return out;
}

/** The package directory holding `dir` (the nearest with a package.json), memoised in `seen`. */
function packageDir(dir, seen) {
  let out = seen.get(dir);
  if (out === undefined) {
    out =
      existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : packageDir(dirname(dir), seen);
    seen.set(dir, out);
  }
  return out;
}

/**
 * The esbuild plugin: workspace sources bundled, third-party imports left to their absolute URLs.
 * `workspace` holds the workspace's package names: esbuild resolves those itself (to their sources).
 * A third-party specifier resolves the same from every file of one package, so each is resolved once
 * per package (a round trip to esbuild each, the larger part of a build's time otherwise). Only the
 * `metaFiles` (the sources that use `import.meta`) are loaded here, for the same reason.
 */
function workspacePlugin(workspace, metaFiles) {
  return {
    name: 'sre-harness-workspace',
    setup(build) {
      const resolveFrom = async (specifier, resolveDir, kind) => {
        const r = await build.resolve(specifier, { kind, resolveDir, pluginData: { inner: true } });
        if (r.errors.length > 0) throw new Error(r.errors[0].text);
        return r;
      };
      const inWorkspace = (specifier) => {
        const [scope, name] = specifier.split('/');
        return workspace.has(scope) || workspace.has(`${scope}/${name}`);
      };
      const dirs = new Map();
      const resolved = new Map();
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point' || isBuiltin(args.path)) return undefined;
        if (inWorkspace(args.path)) return undefined;
        const key = `${packageDir(args.resolveDir, dirs)}\0${args.kind === 'require-call' ? 'r' : 'i'}\0${args.path}`;
        let out = resolved.get(key);
        if (!out) {
          out = build
            .resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: { inner: true },
            })
            .then((r) => {
              if (r.errors.length > 0) return { errors: r.errors };
              if (r.external || !r.path.includes(`${sep}node_modules${sep}`)) return r;
              return { path: pathToFileURL(r.path).href, external: true };
            });
          resolved.set(key, out);
        }
        return out;
      });
      if (metaFiles.length === 0) return;
      const literal = (file) => file.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      build.onLoad({ filter: new RegExp(`^(?:${metaFiles.map(literal).join('|')})$`) }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        const contents = await rewriteImportMeta(text, args.path, async (specifier) => {
          const r = await resolveFrom(specifier, dirname(args.path), 'import-statement');
          return pathToFileURL(r.path).href;
        });
        return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}

/** Builds `spec`'s bundle into `outdir`, which will be renamed to `finalDir`, and writes its manifest. */
async function build(esbuild, root, spec, key, outdir, finalDir) {
  const define = {};
  for (const [constant, output] of Object.entries(spec.define ?? {})) {
    define[constant] = JSON.stringify(pathToFileURL(join(finalDir, `${output}.mjs`)).href);
  }
  const metaFiles = sourceFiles(root, spec).filter(
    (file) => /\.(ts|tsx|mts)$/.test(file) && readFileSync(file, 'utf8').includes('import.meta'),
  );
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: spec.entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    conditions: ['@sre-harness/source'],
    define,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [workspacePlugin(new Set(workspacePackages(root).keys()), metaFiles)],
  });
  const files = {};
  for (const file of readdirSync(outdir)) files[file] = statSync(join(outdir, file)).size;
  const entry = `${Object.keys(spec.entries)[0]}.mjs`;
  writeFileSync(join(outdir, MANIFEST), JSON.stringify({ format: CACHE_FORMAT, key, entry, files }));
}

/** Removes the temporary, replaced and long-unused cache entries of this command. */
function prune(cache, name, keep) {
  let names = [];
  try {
    names = readdirSync(cache);
  } catch {
    return;
  }
  const now = Date.now();
  for (const entry of names) {
    if (entry === keep || !entry.startsWith(`${name}-`)) continue;
    const dir = join(cache, entry);
    try {
      const temporary = entry.includes('.tmp-') || entry.includes('.old-');
      const used = statSync(temporary ? dir : join(dir, MANIFEST)).mtimeMs;
      if (now - used > (temporary ? 3600 * 1000 : PRUNE_AFTER_MS))
        rmSync(dir, { recursive: true, force: true });
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * The bundle of `spec`, built when the cache has none for its current key. Resolves to
 * `{ entry, dir, built }` (entry: the absolute path of the file to run). Throws when esbuild is not
 * installed or the build fails; the caller falls back to the sources.
 *
 * `options.loadEsbuild` replaces `import('esbuild')` (tests); `options.cacheDir` the cache's place.
 */
export async function ensureBundle(root, spec, options = {}) {
  const cache = options.cacheDir ?? join(root, CACHE_DIR);
  const version = 'esbuildVersion' in options ? options.esbuildVersion : esbuildVersion(root);
  if (!version) throw new Error('esbuild is not installed');
  const key = cacheKey(root, spec, { esbuild: version });
  const dir = join(cache, `${spec.name}-${key}`);
  const found = readBundle(dir, key);
  if (found) {
    // A cheap "last used" mark for pruning, at most once an hour.
    try {
      const manifest = join(dir, MANIFEST);
      if (Date.now() - statSync(manifest).mtimeMs > 3600 * 1000) utimesSync(manifest, new Date(), new Date());
    } catch {
      // read-only: never pruned by use
    }
    return { entry: join(dir, found.entry), dir, built: false };
  }
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  // Whatever sits at this key is incomplete or corrupt: moved aside (one rename), then removed.
  if (existsSync(dir)) {
    const old = `${dir}.old-${suffix}`;
    try {
      renameSync(dir, old);
      rmSync(old, { recursive: true, force: true });
    } catch {
      // another launcher moved or replaced it first
    }
  }
  const esbuild = await (options.loadEsbuild ?? (() => import('esbuild')))();
  const tmp = `${dir}.tmp-${suffix}`;
  try {
    await build(esbuild, root, spec, key, tmp, dir);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another launcher renamed its build into place first: use that one.
      if (!readBundle(dir, key)) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const built = readBundle(dir, key);
  if (!built) throw new Error(`the bundle in ${dir} is incomplete after building it`);
  prune(cache, spec.name, `${spec.name}-${key}`);
  return { entry: join(dir, built.entry), dir, built: true };
}
