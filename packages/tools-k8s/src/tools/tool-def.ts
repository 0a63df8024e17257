import type { AnyTool } from '@sre-harness/core';
import { z } from 'zod';
import type { CallOptions, Cluster, KubeObject, ObjectRef, Patch } from '../cluster.js';
import { K8sError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import type { Container, Deployment } from '../types.js';
import { cutWord } from './format.js';

/**
 * One call's view of the cluster, as `k8sTools` gives it to a tool: every request carries the call's
 * signal, a NotFound names the namespace and close matches, output is capped.
 */
export interface CallView {
  /** The cluster, every request under the call's signal. */
  readonly c: Cluster;
  readonly kind: (k: string) => Promise<KindInfo>;
  readonly get: <T>(k: string, name: string, namespace?: string) => Promise<T>;
  readonly list: <T>(k: string, namespace?: string, labelSelector?: string) => Promise<T[]>;
  readonly out: (text: string, hint?: string) => string;
}

/** What a tool defined in its own file is built with (see `k8sTools`). */
export interface ToolContext {
  /** The call's view of the cluster. */
  readonly on: (signal: AbortSignal) => CallView;
  /** Refuses a namespace outside the tools' `namespaces` option (a 403 naming the allowed ones). */
  readonly checkNs: (namespace: string | undefined) => void;
  /** Refuses a kind that is cluster-scoped while the tools are confined to namespaces. */
  readonly checkScope: (info: KindInfo) => void;
  /** Every mutation runs as a dry run, whatever its `dryRun` argument (the `dryRun` option). */
  readonly forceDryRun: boolean;
}

/** A Kubernetes tool defined in one file: its name and whether it mutates, written once, and how to build it. */
export interface K8sToolDef<N extends string = string, M extends boolean = boolean> {
  readonly name: N;
  readonly mutating: M;
  /** Builds the tool; it must carry `name` and `mutating` as given here. */
  readonly build: (ctx: ToolContext) => AnyTool;
}

/** Defines a tool in its own file; the name lists (`READ_TOOL_NAMES`, `MUTATING_TOOL_NAMES`, `K8S_TOOL`) derive from it. */
export function defineK8sTool<const N extends string, const M extends boolean>(
  def: K8sToolDef<N, M>,
): K8sToolDef<N, M> {
  return def;
}

// ------------------------------------------------------------------ shared by the mutating tools

/** The `dryRun` argument every mutating tool defined in its own file takes (the default shows in the call). */
export const dryRunArg = z
  .boolean()
  .default(false)
  .describe(
    'true: the server validates and admits the change and answers with the result, but nothing is changed (kubectl --dry-run=server)',
  );

/** A namespace argument. */
export const nsArg = z.string().min(1).max(63).describe('Kubernetes namespace');

/** An object name: a DNS subdomain, as the API requires. */
export const nameArg = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'expected a Kubernetes object name (lowercase letters, digits, "-", ".")',
  );

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** A label key (`app`, `app.kubernetes.io/name`): an optional DNS prefix, a slash, a name of at most 63 characters. */
export const labelKey = z
  .string()
  .max(317)
  .refine(
    (k) => {
      const at = k.lastIndexOf('/');
      const prefix = at >= 0 ? k.slice(0, at) : undefined;
      return LABEL_NAME.test(k.slice(at + 1)) && (prefix === undefined || DNS_SUBDOMAIN.test(prefix));
    },
    { message: 'expected a label key such as app or app.kubernetes.io/name' },
  );

/** A label value: empty, or at most 63 letters, digits, "-", "_", "." starting and ending alphanumeric. */
export const labelValue = z
  .string()
  .max(63)
  .refine((v) => v === '' || LABEL_NAME.test(v), {
    message:
      'expected a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric',
  });

/** The call options of one write: dry run when asked for or forced, refused on a cluster that cannot. */
export function writeOptions(
  cluster: Cluster,
  ctx: ToolContext,
  dryRun: boolean,
): CallOptions & { dryRun: boolean } {
  const dry = dryRun || ctx.forceDryRun;
  if (dry && cluster.supportsDryRun !== true)
    throw new K8sError(
      'bad_request',
      'dryRun: this cluster connection does not support server-side dry runs, so none was sent',
      { status: 400 },
    );
  return { dryRun: dry };
}

/** The tail of a tool's answer for a dry run. */
export function dryNote(dry: boolean): string {
  return dry ? ' [dry run: validated and admitted by the server; nothing was changed]' : '';
}

/** Longest rendering of one value in a `before -> after` line; longer ones are cut and say so. */
const MAX_SHOWN = 1500;

/** A compact, stable rendering of a value for `before -> after` lines, cut past 1,500 characters. */
export function show(v: unknown): string {
  if (v === undefined) return '<unset>';
  const text = JSON.stringify(maskDeep(v, 0)) ?? '<unset>';
  return text.length <= MAX_SHOWN ? text : `${cutWord(text, MAX_SHOWN)}… (${text.length} characters)`;
}

/**
 * A name that says its value is a secret (`DB_PASSWORD`, `api_key`, `--token`, `client-secret`). The
 * harness's redactor knows secrets by their format or by `name: value` / `name=value`; a
 * `before -> after` line shows a value apart from its name, so the tools hide such values themselves.
 */
export const SECRET_NAME =
  /pass(?:word|wd|phrase)?|secret|token|api[-_.]?key|credential|private[-_.]?key|auth|pwd/i;

/** A hidden value, by its length only. */
export const hidden = (v: unknown): string =>
  `<hidden: ${typeof v === 'string' ? `${v.length} characters` : 'a value'} under a secret's name>`;

/** An argument list with the value after a secret-named flag (`--password x`) hidden, for display. */
export function maskArgs(list: readonly string[] | undefined): readonly string[] | undefined {
  if (!list) return list;
  return list.map((a, i) => {
    const flag = list[i - 1];
    return i > 0 && flag !== undefined && /^-{1,2}[^=]+$/.test(flag) && SECRET_NAME.test(flag)
      ? hidden(a)
      : a;
  });
}

/**
 * A copy of a value for display with secrets' values hidden: a string under a secret-named key, the
 * `value` of an `{ name, value }` pair whose name is a secret's (an env var), and the value after a
 * secret-named flag in a list of strings.
 */
function maskDeep(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null || depth > 64) return v;
  if (Array.isArray(v)) {
    const list = v.every((x) => typeof x === 'string') ? (maskArgs(v as string[]) ?? v) : v;
    return list.map((x) => maskDeep(x, depth + 1));
  }
  const o = v as Record<string, unknown>;
  const secretPair = typeof o['name'] === 'string' && SECRET_NAME.test(o['name']);
  return Object.fromEntries(
    Object.entries(o).map(([k, x]) => [
      k,
      (typeof x === 'string' && SECRET_NAME.test(k)) || (secretPair && k === 'value')
        ? hidden(x)
        : maskDeep(x, depth + 1),
    ]),
  );
}

/** A patch through the call's cluster, with the dry-run option. */
export function patchWith(
  view: CallView,
  ref: ObjectRef,
  patch: Patch,
  options: CallOptions,
): Promise<KubeObject> {
  return view.c.patch(ref, patch, options);
}

/** Which list of a pod spec holds a container, and where. */
export interface ContainerAt {
  readonly list: 'containers' | 'initContainers';
  readonly index: number;
  readonly container: Container;
}

/** Finds a container (or init container) of a deployment's pod template; a missing one is an error listing them. */
export function containerAt(d: Deployment, name: string): ContainerAt {
  const spec = d.spec.template.spec;
  const main = spec.containers.findIndex((c) => c.name === name);
  if (main >= 0) return { list: 'containers', index: main, container: spec.containers[main]! };
  const inits = spec.initContainers ?? [];
  const init = inits.findIndex((c) => c.name === name);
  if (init >= 0) return { list: 'initContainers', index: init, container: inits[init]! };
  const names = [...spec.containers.map((c) => c.name), ...inits.map((c) => `${c.name} (init)`)];
  throw new K8sError(
    'not_found',
    `container: "${name}" not found in deployment "${d.metadata.name}"; its containers: ${names.join(', ')}`,
    { status: 404 },
  );
}

/** A deployment reference. */
export const deploymentRef = (name: string, namespace: string): ObjectRef => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  name,
  namespace,
});

/** The revision annotation of a deployment, for the answer. */
export function revisionNote(d: KubeObject): string {
  const r = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return r ? ` (revision ${r})` : '';
}

/** An `invalid` error naming the argument at fault. */
export function invalidArg(field: string, message: string): K8sError {
  return new K8sError('invalid', `${field}: ${message}`, { status: 422 });
}
