import { parseTable } from '../k8s-text.js';
import { type AnalyzerContext, outputs } from './types.js';

/**
 * The suffix of a ConfigMap named as a copy kept from before a change, after the original's name:
 * `-backup`, `-bak`, `-old`, `-prev`, `-before-chart`, `-pre-ds455`, `-copy`, `-orig`, `-backup.1`.
 * Bounded: at most 40 characters after the word.
 */
const COPY_SUFFIX =
  /^-(?:backup|bak|old|orig|original|prev|previous|copy|before|pre)(?:[-.][a-z0-9.-]{0,40})?$/;

/** The namespace's ConfigMap names from its newest `list_resources ConfigMap`, or undefined before one is read. */
export function listedConfigMaps(ctx: AnalyzerContext): string[] | undefined {
  const o = outputs(
    ctx.seen,
    'list_resources',
    (x) => /^(?:configmaps?|cm)$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
  ).pop();
  return o
    ? parseTable(o.content)
        .map((r) => r['NAME'] ?? '')
        .filter(Boolean)
    : undefined;
}

/** Whether ConfigMap `name` is named as a kept copy of ConfigMap `of` (`<of>-backup`, `<of>-pre-ds455`). */
export function isCopyOf(name: string, of: string): boolean {
  return name !== of && name.startsWith(`${of}-`) && COPY_SUFFIX.test(name.slice(of.length));
}
