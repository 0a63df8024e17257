import type { Verifier } from '@sre-harness/core';
import { z } from 'zod';
import { escapeRegExp } from './claims.js';
import { parseOptions } from './options.js';
import { callsById, listFindings, mutatingTools, ran, safeInput, showArgs } from './trace-facts.js';

/** The object a call acts on or reads. */
export interface TargetRef {
  readonly name: string;
  /** Absent for cluster-scoped objects or tools that do not say; then it matches any namespace. */
  readonly namespace?: string;
}

/** A call as the target function sees it. */
export interface CallInfo {
  readonly tool: string;
  readonly args: unknown;
}

/** Options of `evidenceAboutTarget`. */
export interface EvidenceAboutTargetOptions {
  /** Which object a call is about; return undefined when it is about none. Default: `defaultTarget`. */
  readonly target?: (call: CallInfo) => TargetRef | undefined;
  /**
   * Count a read of `<name>-…` as a read of `<name>` (a pod is named after its Deployment and
   * ReplicaSet, so describing checkout-7f9c4-xk2p9 is evidence about deployment checkout). Default true.
   */
  readonly ownedByName?: boolean;
  /** Count a read whose output mentions the target's name as a read of it (list_pods naming the pod). Default true. */
  readonly mentions?: boolean;
}

const optionsSchema = z.object({
  target: z.function().optional(),
  ownedByName: z.boolean().optional(),
  mentions: z.boolean().optional(),
});

/** Reads `namespace` and the first of `name`, `deployment`, `pod`, `statefulset`, `resource` from object arguments. */
export function defaultTarget(call: CallInfo): TargetRef | undefined {
  const a = call.args;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return undefined;
  const r = a as Record<string, unknown>;
  const name = [r['name'], r['deployment'], r['pod'], r['statefulset'], r['resource']].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (name === undefined) return undefined;
  const ns = r['namespace'];
  return typeof ns === 'string' && ns.length > 0 ? { name, namespace: ns } : { name };
}

function label(t: TargetRef): string {
  return t.namespace === undefined ? t.name : `${t.namespace}/${t.name}`;
}

function sameNamespace(a: TargetRef, b: { namespace?: string } | undefined): boolean {
  return a.namespace === undefined || b?.namespace === undefined || a.namespace === b.namespace;
}

function namespaceOf(args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const ns = (args as Record<string, unknown>)['namespace'];
  return typeof ns === 'string' && ns.length > 0 ? ns : undefined;
}

/**
 * Passes when every mutation that ran was preceded, in the same run, by a successful read of the object
 * it changed: a read aimed at that object, a read of an object named after it, or a read whose output
 * names it. Fails naming each mutation that acted blind.
 */
export function evidenceAboutTarget(options: EvidenceAboutTargetOptions = {}): Verifier {
  parseOptions('evidenceAboutTarget', optionsSchema, options);
  const name = 'evidence_about_target';
  const targetOf = options.target ?? defaultTarget;
  const ownedByName = options.ownedByName ?? true;
  const mentions = options.mentions ?? true;
  const safeTarget = (call: CallInfo): TargetRef | undefined => {
    try {
      const t = targetOf(call);
      return t && typeof t.name === 'string' && t.name.length > 0 ? t : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    name,
    verify(input) {
      const { events } = safeInput(input);
      const mutating = mutatingTools(events);
      const reads: {
        seq: number;
        step: number;
        tool: string;
        target?: TargetRef;
        ns?: string;
        output: string;
      }[] = [];
      const problems: string[] = [];
      const justified: string[] = [];
      const untargeted: string[] = [];
      const records = [...callsById(events).values()].filter((r) => r.call !== undefined);
      records.sort((a, b) => a.call!.seq - b.call!.seq);
      for (const rec of records) {
        const ex = rec.executed;
        if (mutating.has(rec.call!.tool) || ex?.kind !== 'tool_result') continue;
        const call = rec.call!;
        const target = safeTarget({ tool: call.tool, args: call.args });
        const ns = namespaceOf(call.args);
        reads.push({
          seq: ex.seq,
          step: call.step,
          tool: call.tool,
          output: ex.output,
          ...(target ? { target } : {}),
          ...(ns ? { ns } : {}),
        });
      }
      for (const rec of records) {
        const call = rec.call!;
        if (!mutating.has(call.tool)) continue;
        if (!ran(rec)) continue;
        const target = safeTarget({ tool: call.tool, args: call.args });
        const what = `${call.tool} ${showArgs(call.args, 80)} (step ${call.step})`;
        if (!target) {
          untargeted.push(what);
          continue;
        }
        const before = reads.filter((r) => r.seq < call.seq);
        const direct = before.find(
          (r) => r.target !== undefined && r.target.name === target.name && sameNamespace(target, r.target),
        );
        const owned =
          ownedByName &&
          before.find((r) => r.target?.name.startsWith(`${target.name}-`) && sameNamespace(target, r.target));
        const nameRe = new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(target.name)}(?![A-Za-z0-9-])`);
        const mentioned =
          mentions &&
          before.find(
            (r) => sameNamespace(target, { namespace: r.ns ?? r.target?.namespace }) && nameRe.test(r.output),
          );
        if (direct)
          justified.push(`${what} after ${direct.tool} of ${label(direct.target!)} (step ${direct.step})`);
        else if (owned)
          justified.push(
            `${what} after ${owned.tool} of ${label(owned.target!)}, named after it (step ${owned.step})`,
          );
        else if (mentioned)
          justified.push(
            `${what} after ${mentioned.tool}, whose output names ${target.name} (step ${mentioned.step})`,
          );
        else problems.push(`${what} changed ${label(target)} with no earlier successful read of it`);
      }
      if (problems.length > 0) {
        return {
          name,
          passed: false,
          detail: `${problems.length} mutation(s) acted without evidence about their target: ${listFindings(problems)}; read the object (describe, logs, events) before changing it`,
        };
      }
      const notes =
        untargeted.length > 0 ? `; could not tell the target of ${listFindings(untargeted, 4)}` : '';
      if (justified.length === 0) return { name, passed: true, detail: `no mutating call ran${notes}` };
      return { name, passed: true, detail: `${listFindings(justified)}${notes}` };
    },
  };
}
