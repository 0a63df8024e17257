import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  loggedLines,
  outputs,
  type Read,
} from './types.js';

/**
 * Argo Workflows' refusal of a submitted workflow that gives a required parameter no value (its validator:
 * `spec.arguments.<name>.value or spec.arguments.<name>.valueFrom is required`): the parameter in group 1.
 */
const REQUIRED = /spec\.arguments\.([\w.-]{1,100})\.value or spec\.arguments\.\1\.valueFrom is required/;
/** A parameter name a described submitter passes (`….spec.arguments.parameters[0].name: customer_id`). */
const PASSED = /^\s{0,8}\S{0,300}?arguments\.parameters\[\d{1,3}\]\.name: ([\w.-]{1,100})$/gm;
const PASSES = /arguments\.parameters\[\d{1,3}\]\.name: /;
/** The submitter a refusal names: Argo Events' `"sensorName":"x"`, the controller's `cronWorkflow=ns/x`. */
const SUBMITTER = /"sensorName":"([\w.-]{1,253})"|\bcronWorkflow=(?:[\w.-]{1,63}\/)?([\w.-]{1,253})/;
/** A described object's own name and kind (`Name:  invoice-export`, `Kind:  Sensor (argoproj.io/v1alpha1)`). */
const NAME = /^Name:\s{1,40}(\S{1,253})$/m;
const KIND = /^Kind:\s{1,40}(\w{1,63})/m;

interface Required {
  readonly pod: string;
  readonly line: string;
  readonly parameter: string;
  /** The Sensor or CronWorkflow the refusal names, when it does. */
  readonly submitter: string | undefined;
}

/** The first refusal of a workflow for a required parameter in the namespace's logs. */
function required({ ns, seen }: AnalyzerContext): Required | undefined {
  const hit = loggedLines(seen, ns, (l) => l.length <= 4000 && REQUIRED.test(l))[0];
  if (!hit) return undefined;
  const who = SUBMITTER.exec(hit.line);
  return {
    pod: String(hit.log.args['name'] ?? ''),
    line: hit.line.trim(),
    parameter: REQUIRED.exec(hit.line)![1]!,
    submitter: who?.[1] ?? who?.[2],
  };
}

/**
 * A workflow submitted with its parameters under other names than the template declares: the template
 * requires a parameter (`account_id`) the submitter (an Argo Events Sensor's trigger, a CronWorkflow, a
 * script) does not pass, because it passes the parameter under its old name (`customer_id`): a parameter
 * renamed on one side only. Argo refuses every submission, so no workflow runs though events keep coming.
 * Found from the refusal in a log and the parameter names a described object in the namespace passes.
 */
export const workflowArgumentNameAnalyzer: Analyzer = {
  name: 'workflow-argument-name',
  first: true,
  reads(ctx): Read[] {
    const r = required(ctx);
    if (!r) return [];
    // The objects that submit workflows, when none was described: Sensors (Argo Events) and CronWorkflows.
    if (
      outputs(ctx.seen, 'describe_resource', (o) => o.args['namespace'] === ctx.ns && PASSES.test(o.content))
        .length
    )
      return [];
    const reads: Read[] = [];
    for (const kind of ['Sensor', 'CronWorkflow']) {
      const listed = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['namespace'] === ctx.ns && o.args['kind'] === kind,
      ).pop();
      if (!listed) {
        reads.push({ tool: 'list_resources', args: { kind, namespace: ctx.ns } });
        continue;
      }
      const name = listed.content.split('\n')[1]?.trim().split(/\s+/)[0];
      if (name && name !== 'No')
        reads.push({ tool: 'describe_resource', args: { kind, name, namespace: ctx.ns } });
    }
    return reads.slice(0, 2);
  },
  finds(ctx): Finding[] {
    const r = required(ctx);
    if (!r) return [];
    const described = outputs(ctx.seen, 'describe_resource', (x) => x.args['namespace'] === ctx.ns);
    // The submitter the refusal names first; another one only when the refusal names none.
    const ordered = r.submitter
      ? described.filter((o) => NAME.exec(o.content.slice(0, 2000))?.[1] === r.submitter)
      : described;
    for (const o of ordered) {
      const text = o.content.slice(0, 100_000);
      const passed = [...text.matchAll(PASSED)].map((m) => m[1]!);
      if (passed.length === 0 || passed.includes(r.parameter)) continue;
      const name = NAME.exec(text)?.[1] ?? String(o.args['name'] ?? '');
      const kind = KIND.exec(text)?.[1] ?? String(o.args['kind'] ?? '');
      return [
        {
          weight: 92,
          object: `${kind.toLowerCase()} ${name}`,
          cause: `the workflows ${kind} ${name} submits are refused: their template requires the parameter ${r.parameter} ("${clip(r.line, 220)}"), but ${name} passes its arguments as ${passed.join(', ')}: the parameter was renamed on one side only, so no workflow runs however many events arrive`,
          evidence: [
            `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
            `describe_resource ${kind} ${name}: arguments.parameters named ${passed.join(', ')}, none named ${r.parameter}`,
          ],
          advice: `name the argument ${r.parameter} in ${kind} ${name} (the name the workflow template declares), or give the template's parameter back its old name`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
