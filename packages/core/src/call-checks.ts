import type { z } from 'zod';
import type { Allowlist } from './allowlist.js';
import { plainJsonProblem } from './canonical.js';
import type { AnyTool, ToolDescriptor, ToolRegistry } from './tool.js';
import type { RefusalReason } from './trace.js';

/** Why a call does not run: one shape for every refusal, whichever check or gate made it. */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly detail: string;
}

/** One call as the model asked for it, and what the checks have established about it so far. */
interface CallState {
  readonly index: number;
  readonly toolName: string;
  readonly rawArgs: unknown;
  readonly parseError: string | undefined;
  tool?: AnyTool;
  /** The validated arguments, the schema's defaults applied: the value the guardrails judge and the tool runs. */
  args?: unknown;
}

/** What the checks read from the harness's configuration. */
export interface CallCheckConfig {
  readonly registry: ToolRegistry;
  readonly allowlist: Allowlist;
  readonly maxCalls: number;
  readonly exposed: readonly ToolDescriptor[];
}

type Check = (call: CallState, config: CallCheckConfig) => Refusal | undefined;

/**
 * The checks every call passes before the approval gate, in order; each refuses or lets the call on.
 * Validation applies the schema's defaults before the allowlist, so the policy judges the request
 * that will run, and the arguments must then be plain JSON, so what is hashed, approved and run is
 * one value that serializes one way.
 */
const CHECKS: readonly Check[] = [
  function callsPerDecision(call, { maxCalls }) {
    if (call.index >= maxCalls)
      return { reason: 'too_many_calls', detail: `at most ${maxCalls} calls are taken from one decision` };
  },
  function resolve(call, { registry, exposed }) {
    call.tool = registry.get(call.toolName);
    if (!call.tool) {
      const offered = exposed.map((d) => d.name).join(', ') || 'none';
      return { reason: 'unknown_tool', detail: `no tool named "${call.toolName}"; available: ${offered}` };
    }
  },
  function parsed(call) {
    if (call.parseError !== undefined)
      return { reason: 'invalid_arguments', detail: `arguments could not be parsed: ${call.parseError}` };
  },
  function validate(call) {
    const validated = call.tool!.input.safeParse(withoutNullOptionals(call.rawArgs, call.tool!));
    if (!validated.success) {
      const detail = validated.error.issues
        .map((i: z.core.$ZodIssue) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`)
        .join('; ');
      return { reason: 'invalid_arguments', detail };
    }
    call.args = validated.data;
  },
  function plainJson(call) {
    const problem = plainJsonProblem(call.args);
    if (problem !== undefined)
      return {
        reason: 'invalid_arguments',
        detail: `the validated arguments are not plain JSON (${problem})`,
      };
  },
  function allowed(call, { allowlist }) {
    const verdict = allowlist.check(call.tool!.name, call.args);
    if (!verdict.allowed) return { reason: 'not_allowed', detail: verdict.reason };
  },
];

/** Whether a property's JSON Schema accepts `null` (`type: "null"`, a type list with it, or a `null` alternative). */
function acceptsNull(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return true; // unknown: leave the value alone
  const s = schema as Record<string, unknown>;
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  if (s.type === undefined && s.anyOf === undefined && s.oneOf === undefined) return true;
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]) && (s[k] as unknown[]).some(acceptsNull)) return true;
  }
  return false;
}

/**
 * The arguments without the top-level `null`s the schema does not accept for an optional property:
 * models and OpenAI-compatible servers send `"container": null` to mean "not given". Done before
 * validation, so defaults apply and the allowlist and approval judge the arguments that will run.
 */
function withoutNullOptionals(args: unknown, tool: AnyTool): unknown {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) return args;
  let anyNull = false;
  for (const k in args) if ((args as Record<string, unknown>)[k] === null) anyNull = true;
  // Most calls hold no null: the tool's JSON Schema is not needed (nor made) for them.
  if (!anyNull) return args;
  let schema: Readonly<Record<string, unknown>>;
  try {
    schema = tool.jsonSchema;
  } catch {
    return args; // a schema JSON Schema cannot express: validation says what is wrong
  }
  const props = schema.properties as Record<string, unknown> | undefined;
  if (typeof props !== 'object' || props === null) return args;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  let out: Record<string, unknown> | undefined;
  for (const k in args) {
    if (!Object.hasOwn(args, k)) continue;
    const v = (args as Record<string, unknown>)[k];
    if (v !== null || required.includes(k) || !Object.hasOwn(props, k) || acceptsNull(props[k])) continue;
    out ??= { ...(args as Record<string, unknown>) };
    delete out[k];
  }
  return out ?? args;
}

/** Runs the checks in order: the first refusal, or the tool and the arguments it will run with. */
export function checkCall(
  call: { index: number; toolName: string; rawArgs: unknown; parseError: string | undefined },
  config: CallCheckConfig,
): { ok: true; tool: AnyTool; args: unknown } | { ok: false; refusal: Refusal } {
  const state: CallState = { ...call };
  for (const check of CHECKS) {
    let refusal: Refusal | undefined;
    try {
      refusal = check(state, config);
    } catch (e) {
      // A schema's refinement or transform that throws on the model's value, or arguments whose
      // reading throws (a getter, a proxy from an in-process model): refused like any invalid value,
      // not thrown out of run(). Only the error's kind is said: its message can quote the value
      // (JSON.parse does), which may be a secret.
      const kind = (e as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name;
      refusal = {
        reason: 'invalid_arguments',
        detail: `checking the arguments threw ${typeof kind === 'string' && kind ? kind : 'an error'} (its message is not shown: it can quote a value)`,
      };
    }
    if (refusal) return { ok: false, refusal };
  }
  return { ok: true, tool: state.tool!, args: state.args };
}
