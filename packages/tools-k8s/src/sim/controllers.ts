import { hpaController } from './autoscaling.js';
import type { Controller } from './controller-host.js';
import { daemonSetController, daemonSetStatusController } from './daemonset-controller.js';
import { deploymentController, deploymentStatusController } from './deployment-controller.js';
import { endpointsController } from './endpoints-controller.js';
import { ingressController } from './ingress.js';
import { cronJobController, jobController } from './jobs.js';
import { kubeletController } from './kubelet.js';
import { nodeLifecycleController } from './node-lifecycle.js';
import { preemptionController } from './preemption.js';
import { quotaController } from './quota-controller.js';
import { replicaSetController, replicaSetStatusController } from './replicaset-controller.js';
import { schedulerController } from './scheduler-controller.js';
import { statefulSetController, statefulSetStatusController } from './statefulset-controller.js';
import { claimController } from './storage.js';

/**
 * The simulated cluster's controllers in the order one reconcile round runs them: the workload
 * controllers (CronJob, Job, Deployment, ReplicaSet, StatefulSet, DaemonSet) create and delete pods
 * (a StatefulSet its claims too), the volume controller
 * binds claims, the scheduler places pods (and a WaitForFirstConsumer claim binds once a pod that uses
 * it is), the kubelet evaluates pods, the node lifecycle controller marks those on an unreachable node
 * not ready and evicts them once their toleration runs out, then the status writers read what the pods became (ReplicaSet,
 * Deployment, StatefulSet, DaemonSet, Endpoints, ResourceQuota, Ingress), and the HPA controller acts on what the round
 * showed. A new kind's controller is one file and one entry here.
 */
export const CONTROLLERS: readonly Controller[] = [
  cronJobController,
  jobController,
  deploymentController,
  replicaSetController,
  statefulSetController,
  daemonSetController,
  claimController,
  schedulerController,
  claimController,
  kubeletController,
  preemptionController,
  nodeLifecycleController,
  replicaSetStatusController,
  deploymentStatusController,
  statefulSetStatusController,
  daemonSetStatusController,
  endpointsController,
  quotaController,
  ingressController,
  hpaController,
];
