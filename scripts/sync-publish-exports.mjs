#!/usr/bin/env node
// Writes each publishable package's `publishConfig.exports`: its `exports` without the
// `@sre-harness/source` condition (which points at src/, not shipped). pnpm packs and publishes that
// map in place of `exports`; `pnpm check:packages` fails when the two drift apart.
//
//   node scripts/sync-publish-exports.mjs            every publishable package
//   node scripts/sync-publish-exports.mjs core eval  only these folders
//   node scripts/sync-publish-exports.mjs --check    change nothing; exit 1 if any is out of date
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasSource, publishExportsDrift, withoutSource } from './lib/packed-manifest.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.filter((a) => !a.startsWith('--'));

let stale = 0;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const file = join(root, group, name, 'package.json');
    if (!existsSync(file)) continue;
    if (only.length > 0 && !only.includes(name)) continue;
    const text = readFileSync(file, 'utf8');
    const pkg = JSON.parse(text);
    if (pkg.private === true || !hasSource(pkg.exports)) continue;
    const drift = publishExportsDrift(pkg);
    if (!drift) continue;
    stale++;
    if (check) {
      console.log(`${group}/${name}: ${drift}`);
      continue;
    }
    pkg.publishConfig = { ...pkg.publishConfig, exports: withoutSource(pkg.exports) };
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    console.log(`${group}/${name}: publishConfig.exports written`);
  }
}
if (check && stale > 0) process.exitCode = 1;
