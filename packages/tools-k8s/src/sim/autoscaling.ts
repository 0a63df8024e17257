import type { KubeObject } from '../cluster.js';
import { formatCpu, formatMemory, parseQuantity } from '../quantity.js';
import type { Condition, Pod } from '../types.js';
import type { Controller, ControllerBase, RepeatingEvents } from './controller-host.js';
import { labelSelectorMatches } from './scheduler.js';

/** What the HPA controller needs from the simulated cluster. */
export interface AutoscalingHost extends ControllerBase, RepeatingEvents {
  get(kind: string, namespace: string, name: string): KubeObject | undefined;
  pods(namespace: string): Pod[];
  /** Usage of one container now (cores, bytes), or undefined when it is not running. */
  usage(pod: Pod, container: string): { cpu: number; memory: number } | undefined;
  /** Whether the resource metrics API (metrics-server) answers. */
  readonly metricsAvailable: boolean;
}

interface MetricSpec {
  type?: string;
  resource?: {
    name?: string;
    target?: { type?: string; averageUtilization?: number; averageValue?: string };
  };
  external?: { metric?: { name?: string; selector?: unknown } };
  pods?: { metric?: { name?: string } };
  object?: { metric?: { name?: string } };
}
interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  targetCPUUtilizationPercentage?: number;
}

/** The HPA controller's sync period and its default scale-down stabilization window. */
const SYNC = 15;
const DOWNSCALE_WINDOW = 300;
const TOLERANCE = 0.1;

const GROUP_OF: Record<string, string> = { Deployment: 'apps', StatefulSet: 'apps', ReplicaSet: 'apps' };

/**
 * Reconciles one HorizontalPodAutoscaler (autoscaling/v2, or v1's targetCPUUtilizationPercentage) for
 * Resource metrics (cpu, memory; Utilization or AverageValue targets): the utilisation of the target's
 * running pods against their requests, the desired replicas (ceil(current × usage/target) outside a 10 %
 * tolerance, within min and max), the conditions AbleToScale, ScalingActive and ScalingLimited and the
 * events the controller records; it scales the target (down only after the 5-minute stabilization
 * window). A container without a request for the metric's resource gives `<unknown>` (no current
 * metrics) and FailedGetResourceMetric; so does an absent metrics API. Pods, Object and External
 * metrics have no adapter in the simulation: FailedGetPodsMetric / FailedGetObjectMetric /
 * FailedGetExternalMetric.
 */
export function reconcileHpa(hpa: KubeObject, host: AutoscalingHost): void {
  if (host.declared(hpa)) return;
  const spec = (hpa.spec ?? {}) as HpaSpec;
  const ns = hpa.metadata?.namespace ?? 'default';
  const created = host.seconds(hpa.metadata?.creationTimestamp) ?? 0;
  const prev = (hpa.status ?? {}) as { lastScaleTime?: string; desiredReplicas?: number };
  const ref = spec.scaleTargetRef ?? {};
  const stamp = host.iso(Math.max(created, 0));
  const cond = (type: string, ok: boolean, reason: string, message: string): Condition => ({
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastTransitionTime: stamp,
  });
  const warn = (reason: string, message: string) =>
    host.repeating('Warning', reason, message, hpa, 'horizontal-pod-autoscaler', created + SYNC, SYNC);
  const target = ref.kind && ref.name ? host.get(ref.kind, ns, ref.name) : undefined;
  if (!target) {
    const group = GROUP_OF[ref.kind ?? ''] ? `.${GROUP_OF[ref.kind ?? '']}` : '';
    const plural = `${(ref.kind ?? '').toLowerCase()}s${group}`;
    const message = `${plural} "${ref.name ?? ''}" not found`;
    warn('FailedGetScale', message);
    hpa.status = {
      currentReplicas: 0,
      desiredReplicas: 0,
      currentMetrics: null,
      conditions: [
        cond(
          'AbleToScale',
          false,
          'FailedGetScale',
          `the HPA controller was unable to get the target's current scale: ${message}`,
        ),
      ],
    };
    return;
  }
  const targetSpec = (target.spec ?? {}) as {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: [] };
  };
  const current = targetSpec.replicas ?? 1;
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas ?? current;
  const metrics: MetricSpec[] =
    spec.metrics ??
    (spec.targetCPUUtilizationPercentage !== undefined
      ? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage },
            },
          },
        ]
      : [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ]);
  const pods = host
    .pods(ns)
    .filter(
      (p) =>
        labelSelectorMatches(targetSpec.selector ?? {}, p.metadata.labels ?? {}) &&
        p.status?.phase === 'Running' &&
        !p.metadata.deletionTimestamp,
    );
  const errors: { reason: string; message: string }[] = [];
  const currentMetrics: unknown[] = [];
  let desired = 0;
  let because = '';
  for (const m of metrics) {
    if (m.type !== 'Resource' || !m.resource?.name) {
      const kind = m.type === 'External' ? 'External' : m.type === 'Pods' ? 'Pods' : 'Object';
      const name = m.external?.metric?.name ?? m.pods?.metric?.name ?? m.object?.metric?.name ?? '';
      const api = kind === 'External' ? 'external.metrics.k8s.io' : 'custom.metrics.k8s.io';
      errors.push({
        reason: `FailedGet${kind}Metric`,
        message: `unable to get ${kind.toLowerCase()} metric ${ns}/${name}: unable to fetch metrics from ${kind === 'External' ? 'external' : 'custom'} metrics API: the server could not find the requested resource (get ${name}.${api})`,
      });
      continue;
    }
    const res = m.resource.name;
    const tgt = m.resource.target ?? {};
    if (!host.metricsAvailable) {
      errors.push({
        reason: 'FailedGetResourceMetric',
        message: `failed to get ${res} utilization: unable to get metrics for resource ${res}: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)`,
      });
      continue;
    }
    let used = 0;
    let requested = 0;
    let missing: string | undefined;
    for (const p of pods) {
      for (const c of p.spec.containers) {
        const req = parseQuantity(c.resources?.requests?.[res] ?? c.resources?.limits?.[res]);
        if (req === undefined && tgt.type !== 'AverageValue') {
          missing ??= `missing request for ${res} in container ${c.name} of Pod ${p.metadata.name}`;
          continue;
        }
        requested += req ?? 0;
        used += host.usage(p, c.name)?.[res === 'memory' ? 'memory' : 'cpu'] ?? 0;
      }
    }
    if (missing) {
      errors.push({
        reason: 'FailedGetResourceMetric',
        message: `failed to get ${res} utilization: ${missing}`,
      });
      continue;
    }
    if (pods.length === 0) {
      errors.push({
        reason: 'FailedGetResourceMetric',
        message: `failed to get ${res} utilization: unable to get metrics for resource ${res}: no metrics returned from resource metrics API`,
      });
      continue;
    }
    const show = (v: number) => (res === 'cpu' ? formatCpu(v) : formatMemory(v));
    const averageValue = used / pods.length;
    let ratio: number;
    if (tgt.type === 'AverageValue') {
      ratio = averageValue / (parseQuantity(tgt.averageValue) ?? 1);
      currentMetrics.push({
        type: 'Resource',
        resource: { name: res, current: { averageValue: show(averageValue) } },
      });
      because = `${res} resource`;
    } else {
      const utilization = requested > 0 ? Math.round((used / requested) * 100) : 0;
      ratio = utilization / (tgt.averageUtilization ?? 80);
      currentMetrics.push({
        type: 'Resource',
        resource: {
          name: res,
          current: { averageUtilization: utilization, averageValue: show(averageValue) },
        },
      });
      because = `${res} resource utilization (percentage of request)`;
    }
    const want = Math.abs(ratio - 1) <= TOLERANCE ? pods.length : Math.ceil(ratio * pods.length);
    desired = Math.max(desired, want);
  }
  const invalid = errors.length;
  if (invalid) {
    const first = errors[0]!;
    warn(first.reason, first.message);
    if (invalid === metrics.length)
      warn(
        'FailedComputeMetricsReplicas',
        `invalid metrics (${invalid} invalid out of ${metrics.length}), first error is: ${first.message}`,
      );
  }
  if (invalid === metrics.length) {
    hpa.status = {
      currentReplicas: current,
      desiredReplicas: prev.desiredReplicas ?? current,
      ...(prev.lastScaleTime ? { lastScaleTime: prev.lastScaleTime } : {}),
      currentMetrics: null,
      conditions: [
        cond(
          'AbleToScale',
          true,
          'SucceededGetScale',
          "the HPA controller was able to get the target's current scale",
        ),
        cond(
          'ScalingActive',
          false,
          errors[0]!.reason,
          `the HPA was unable to compute the replica count: ${errors[0]!.message}`,
        ),
      ],
    };
    return;
  }
  let limited = cond(
    'ScalingLimited',
    false,
    'DesiredWithinRange',
    'the desired count is within the acceptable range',
  );
  if (desired > max) {
    desired = max;
    limited = cond(
      'ScalingLimited',
      true,
      'TooManyReplicas',
      'the desired replica count is more than the maximum replica count',
    );
  } else if (desired < min) {
    desired = min;
    limited = cond(
      'ScalingLimited',
      true,
      'TooFewReplicas',
      'the desired replica count is less than the minimum replica count',
    );
  }
  const lastScale = host.seconds(prev.lastScaleTime);
  let able = cond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
  let scaledAt = prev.lastScaleTime;
  if (desired < current && lastScale !== undefined && host.now - lastScale < DOWNSCALE_WINDOW) {
    able = cond(
      'AbleToScale',
      true,
      'ScaleDownStabilized',
      'recent recommendations were higher than current one, applying the highest recent recommendation',
    );
    desired = current;
  } else if (desired > current && lastScale !== undefined && host.now - lastScale < SYNC) {
    // The controller looks again at its next sync.
    desired = current;
  } else if (desired !== current) {
    targetSpec.replicas = desired;
    target.spec = targetSpec as Record<string, unknown>;
    scaledAt = host.iso(host.now);
    able = cond(
      'AbleToScale',
      true,
      'SucceededRescale',
      `the HPA controller was able to update the target scale to ${desired}`,
    );
    host.event(
      'Normal',
      'SuccessfulRescale',
      `New size: ${desired}; reason: ${because} ${desired > current ? 'above' : 'below'} target`,
      hpa,
      'horizontal-pod-autoscaler',
      host.now,
    );
  }
  hpa.status = {
    currentReplicas: current,
    desiredReplicas: desired,
    ...(scaledAt ? { lastScaleTime: scaledAt } : {}),
    currentMetrics,
    conditions: [
      able,
      cond(
        'ScalingActive',
        true,
        'ValidMetricFound',
        `the HPA was able to successfully calculate a replica count from ${because}`,
      ),
      limited,
    ],
  };
}

/**
 * The HPA controller behind the cluster's reconcile interface. It acts on what the round showed; a
 * rescale takes effect in the next round.
 */
export const hpaController: Controller = {
  kind: 'HorizontalPodAutoscaler',
  reconcile(host) {
    const hpas = [...host.store.ofKind('HorizontalPodAutoscaler').values()];
    if (hpas.length > 0) {
      const autoscaling = host.autoscaling;
      for (const obj of hpas) reconcileHpa(obj, autoscaling);
    }
    return false;
  },
};
