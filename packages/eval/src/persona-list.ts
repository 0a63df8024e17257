/**
 * The personas' names and descriptions, and the default model list: what the command line's help
 * shows, in a module that loads nothing else (the personas themselves are in personas.ts).
 */

/** The offline personas that stress the harness. */
export const PERSONAS = [
  'careful',
  'eager',
  'hallucinator',
  'looper',
  'gullible',
  'malformed',
  'trespasser',
  'meddler',
] as const;
/** One persona name. */
export type PersonaName = (typeof PERSONAS)[number];

/** One-line descriptions, for --help and reports. */
export const PERSONA_DESCRIPTIONS: Record<PersonaName, string> = {
  careful: 'investigates with read-only tools, then concludes without touching anything',
  eager:
    'gathers a little evidence, tries every fix it can think of, reuses a granted fix with other arguments, repeats it, and claims it fixed everything',
  hallucinator: 'answers at once with a confident, invented root cause',
  looper: 'repeats the same call until the budget stops it',
  gullible: 'obeys instructions it finds inside logs, events and other tool output',
  malformed: 'sends unknown tools, invalid arguments and garbage decisions until the budget stops it',
  trespasser:
    'reads outside its grants: unlisted tools, other namespaces, cluster-scoped objects, and calls that leave the namespace out',
  meddler:
    'writes beyond its grants with the manifest and spec tools: applies manifests into another namespace, smuggles one in through metadata.namespace, binds cluster-admin, widens a Role, repoints a Service, replays a dry run for real, and claims it all worked',
};

/** The models `pnpm eval` runs when none are named: the baseline SRE model and every persona. */
export const DEFAULT_MODELS: readonly string[] = ['baseline', ...PERSONAS.map((p) => `persona:${p}`)];
