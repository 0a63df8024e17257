/**
 * What Kubernetes' own event and status messages mean for an incident, as the Kubernetes
 * documentation explains them (the scheduler's, the kubelet's, admission's, the volume and image
 * machinery's). Each entry matches when every one of its substrings appears in the message
 * (case-insensitive, plain substring tests on at most 4,096 characters; no regular expression runs
 * over the untrusted text). Program log lines have their own table, `log-glosses.ts`.
 */
interface EventGloss {
  readonly all: readonly string[];
  readonly none?: readonly string[];
  readonly means: string;
}

const EVENT_GLOSSES: readonly EventGloss[] = [
  // https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy
  {
    all: ['failed calling webhook'],
    // A certificate the API server does not accept: the log glosses' certificate entries say which.
    none: ['x509', 'certificate'],
    means:
      "an admission webhook the API server must call is down or unreachable (its Service has no endpoints, its pod is not Ready, or its certificate is wrong) and its failurePolicy is Fail, so the API server rejects every create or update the webhook intercepts, pods included; bring the webhook's backend back, or delete the stale webhook configuration, or set failurePolicy: Ignore",
  },
  {
    all: ['admission webhook', 'denied the request'],
    means:
      'a validating admission webhook (a policy engine such as Gatekeeper or Kyverno) rejected the object; the message names the policy it violates, so change the object to comply or get an exception to the policy',
  },
  // https://kubernetes.io/docs/concepts/security/pod-security-admission/
  {
    all: ['violates podsecurity'],
    means:
      "Pod Security Admission refused the pod: the namespace's pod-security.kubernetes.io/enforce level (baseline or restricted) forbids settings the pod asks for (privileged, hostPath, running as root, capabilities); change the pod's securityContext or the namespace's level",
  },
  // https://kubernetes.io/docs/concepts/policy/resource-quotas/
  {
    // Admission's quota message ("failed quota: compute: must specify limits.cpu"); validation says
    // "must specify" about other fields too (a volume's type, an envFrom source).
    all: ['failed quota', 'must specify'],
    means:
      "a ResourceQuota in the namespace limits requests or limits, so every container must set them; the pod's containers do not (add them, or give the namespace a LimitRange with defaults)",
  },
  // https://kubernetes.io/docs/concepts/policy/limit-range/
  {
    all: ['maximum', 'usage per container is'],
    means:
      "the namespace's LimitRange caps what one container may ask for, and this container's limit is above that maximum, so admission rejects the pod; lower the limit or raise the LimitRange's max",
  },
  {
    all: ['minimum', 'usage per container is'],
    means:
      "the namespace's LimitRange sets a minimum a container must ask for, and this container asks for less, so admission rejects the pod; raise the request or lower the LimitRange's min",
  },
  // The Secrets Store CSI driver calls a provider plugin (Vault's, Azure's, AWS's) over a socket on the
  // node; "provider not found" means no plugin of that name registered there (secrets-store-csi-driver.sigs.k8s.io,
  // "Providers"; the Vault CSI provider runs as a DaemonSet).
  {
    all: ['secrets store', 'provider not found'],
    means:
      "the Secrets Store CSI driver found no provider plugin by the name the SecretProviderClass gives (provider not found) on the pod's node: that provider (for Vault, the Vault CSI provider DaemonSet) is not installed in this cluster or not running on that node, so no secret is mounted and the pod stays in ContainerCreating; install the provider's DaemonSet where the pods run",
  },
  // The macvlan and ipvlan CNI plugins attach to a parent interface of the node, named as `master` in the
  // NetworkAttachmentDefinition's config (cni.dev, "macvlan plugin"); "Link not found" means the node has no
  // interface of that name.
  {
    all: ['lookup master', 'link not found'],
    means:
      "the secondary network's macvlan/ipvlan master (parent) interface, named in its NetworkAttachmentDefinition, does not exist on this node (nodes of another hardware generation name their NICs differently), so the pod sandbox cannot be created there; set the master the nodes have in the NetworkAttachmentDefinition, or keep the pods on nodes with that interface",
  },
  // CNI IP address management (the AWS VPC CNI, Calico and other IPAM plugins).
  {
    all: ['failed to assign an ip address to container'],
    means:
      "the network plugin (CNI) has no pod IP address left to give on that node: the subnet's or node's address pool is used up (on EKS, the node's ENI/IP limit or the subnet's free addresses), so the pod sandbox cannot be created; free addresses, use a larger subnet or prefix delegation, or place pods elsewhere",
  },
  {
    all: ['failed to allocate for range'],
    means:
      "the network plugin's IP address management (IPAM) has no free address in the node's pod CIDR range, so the pod sandbox cannot be created; the node's range is used up (or leaked by pods that were not cleaned up)",
  },
  {
    all: ['network is not ready', 'network plugin'],
    means:
      "the node's network plugin (CNI) is not running or not configured, so the kubelet cannot create pod sandboxes there; look at the CNI DaemonSet's pod on that node",
  },
  // https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
  {
    all: ['multi-attach error'],
    means:
      "a ReadWriteOnce volume is still attached to another node (the old pod's, during a rollout or after a node failure), and a ReadWriteOnce volume attaches to one node at a time, so the new pod cannot start until it is detached; let the old pod finish, use the Recreate strategy for single-volume workloads, or a ReadWriteMany volume",
  },
  {
    all: ['volume node affinity conflict'],
    means:
      "the pod's PersistentVolume is zonal (its nodeAffinity names one zone) and no schedulable node is in that zone, so the pod cannot be placed; add a node in the volume's zone, or use a StorageClass with volumeBindingMode WaitForFirstConsumer for new volumes",
  },
  // The scheduler's filter messages. https://kubernetes.io/docs/concepts/scheduling-eviction/
  {
    all: ["didn't have free ports for the requested pod ports"],
    means:
      'the pod asks for a hostPort that another pod already holds on every fitting node (a hostPort is one per node), so at most one such pod fits per node; drop the hostPort or run no more replicas than nodes',
  },
  {
    all: ["didn't match pod topology spread constraints"],
    means:
      "the pod's topologySpreadConstraints (whenUnsatisfiable: DoNotSchedule) would exceed maxSkew on every node that fits, so it stays Pending; add capacity in the under-filled zones or nodes, raise maxSkew, or use ScheduleAnyway",
  },
  {
    all: ["didn't match pod anti-affinity rules"],
    means:
      'a required pod anti-affinity rule forbids two of these pods on one node (or zone), so with more replicas than eligible nodes the rest stay Pending; add nodes, reduce replicas, or make the rule preferred',
  },
  {
    all: ["didn't match pod affinity rules"],
    means:
      'a required pod affinity rule asks for a node that already runs a matching pod, and no node does (or none has room), so the pod stays Pending',
  },
  {
    all: ['too many pods'],
    means:
      "every fitting node already runs its maximum number of pods (the kubelet's maxPods, 110 by default; on EKS set by the instance type's ENI limits), so the pod stays Pending until a node is added or pods are removed",
  },
  {
    all: ['unbound immediate persistentvolumeclaims'],
    means:
      "the pod's PersistentVolumeClaim is not bound to a volume, so the pod cannot be scheduled until it is (look at the claim's events: its StorageClass and provisioner)",
  },
  {
    all: ['no persistent volumes available for this claim and no storage class is set'],
    means:
      'the claim names no StorageClass and the cluster has no default StorageClass (none is marked default), so nothing provisions a volume, and no existing PersistentVolume matches its size and access mode; set storageClassName, mark a default StorageClass, or create a matching PersistentVolume',
  },
  {
    all: ['waiting for a volume to be created', 'external provisioner'],
    means:
      "the claim waits for its StorageClass's external (CSI) provisioner, which has not created the volume: the CSI driver's controller is not running or cannot create it (look at its pods and logs)",
  },
  // Images. https://kubernetes.io/docs/concepts/containers/images/
  {
    all: ['pull access denied'],
    means:
      "the registry refused the pull: the image's repository name is wrong (it does not exist), or it is private and the pod has no imagePullSecret with credentials for it",
  },
  {
    all: ['toomanyrequests'],
    means:
      "the registry is rate-limiting pulls (Docker Hub's anonymous pull rate limit counts per source IP, shared by the whole NAT'd cluster); authenticate the pulls with an imagePullSecret, or pull through a mirror",
  },
  {
    all: ['no match for platform in manifest'],
    means:
      "the image has no variant for the node's CPU architecture (an amd64-only image on arm64 nodes, or the reverse); build a multi-architecture image or schedule on matching nodes (kubernetes.io/arch)",
  },
  {
    all: ['errimageneverpull'],
    means:
      'the pod sets imagePullPolicy: Never and the image is not already on the node, so the kubelet will not pull it; set IfNotPresent or preload the image',
  },
  {
    all: ['invalidimagename'],
    means:
      'the image reference cannot be parsed (upper-case letters, a space, a scheme such as https://, or a bad tag), so no pull is attempted; fix the image string',
  },
  {
    all: ['failed to pull', 'x509'],
    means:
      "the node's container runtime does not trust the registry's TLS certificate (a private CA): add the CA to the runtime's trust on every node (containerd's certs.d), or use a registry with a publicly trusted certificate",
  },
  {
    // The sandbox image by its path (registry.k8s.io/pause:3.9, .../eks/pause:3.5), not any image
    // whose name contains "pause".
    all: ['failed to pull', '/pause:'],
    none: ['pull access denied'],
    means:
      "the node cannot pull the pod sandbox (pause) image, so no pod can start there: the sandbox image's registry is unreachable from the node (or not mirrored in an air-gapped cluster)",
  },
  // Eviction and ephemeral storage. https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
  {
    all: ['ephemeral local storage usage exceeds'],
    means:
      "the kubelet evicted the pod because its containers wrote more to the node's disk (logs, emptyDir, the writable layer) than its ephemeral-storage limit; raise the limit, or write to a volume instead",
  },
  {
    all: ['exceeded its local ephemeral storage limit'],
    means:
      "the kubelet evicted the pod because a container wrote more to the node's disk (its logs and writable layer) than its ephemeral-storage limit; raise the limit, or write to a volume instead",
  },
  // Jobs. https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
  {
    all: ['job was active longer than specified deadline'],
    means:
      'the Job ran longer than its activeDeadlineSeconds, so the Job controller stopped its pods and marked it Failed (DeadlineExceeded), whatever its backoffLimit; raise the deadline or make the run shorter',
  },
  // Probes. https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
  {
    all: ['probe failed', 'context deadline exceeded'],
    means:
      "the probe's request got no answer within its timeoutSeconds (1 s by default): the endpoint is slow (it checks a dependency, or the program is overloaded), not necessarily down",
  },
  {
    all: ['probe failed', 'connection refused'],
    means:
      'nothing listens on the probed port yet (or at all): the program listens on another port, or has not started listening',
  },
  // Cloud load balancers (the AWS cloud provider / load balancer controller).
  {
    all: ['could not find any suitable subnets'],
    means:
      'the cloud provider cannot place the LoadBalancer: no subnet carries the discovery tags it looks for (kubernetes.io/role/elb for internet-facing, kubernetes.io/role/internal-elb for internal, and the cluster tag), so the Service stays without an external address; tag the subnets',
  },
  // The kernel's OOM killer, as node-problem-detector reports it.
  {
    all: ['oomkilling'],
    means:
      "the node's kernel OOM killer killed a process: the node ran out of memory (pods' usage above their requests, or system daemons), not a container hitting its own limit",
  },
  {
    all: ['freediskspacefailed'],
    means:
      "the kubelet's image garbage collection could not free enough disk on the node (its image file system is full of images in use or other data)",
  },
];

// Scheduler reasons that only say which nodes a pod may use (a taint it does not tolerate, a node
// selector or affinity it does not match, a cordoned node): the other reasons are about those nodes.
const EXCLUDING = ['taint', "didn't match pod's node affinity", 'node affinity/selector', 'unschedulable'];

/**
 * The reasons of kube-scheduler's summary ("0/5 nodes are available: 3 Insufficient memory, 2 Too many
 * pods. preemption: …") with their node counts, preemption's part left out; undefined for another message.
 */
function schedulerReasons(m: string): { count: number; text: string }[] | undefined {
  const head = 'nodes are available:';
  const at = m.indexOf(head);
  if (at < 0) return undefined;
  const rest = m.slice(at + head.length).split('preemption:')[0] ?? '';
  return rest
    .split(/, (?=\d{1,6} )/)
    .map((c) => /^\s*(\d{1,6}) (.*)$/.exec(c))
    .filter((x): x is RegExpExecArray => x !== null)
    .map((x) => ({ count: Number(x[1]), text: x[2]! }));
}

/**
 * What a Kubernetes event or status message means, when it is a well-known one; undefined otherwise.
 * In a scheduler summary the glossed reason must be the one that rules out the most of the nodes the
 * pod may use: "1 Too many pods, 2 Insufficient memory" is a memory shortage, not a full node.
 */
export function eventGloss(message: string): string | undefined {
  const m = message.slice(0, 4096).toLowerCase();
  const reasons = schedulerReasons(m)?.filter((r) => !EXCLUDING.some((w) => r.text.includes(w)));
  return EVENT_GLOSSES.filter(
    (g) => g.all.every((w) => m.includes(w)) && !g.none?.some((w) => m.includes(w)),
  ).find((g) => {
    const own = reasons?.filter((r) => g.all.some((w) => r.text.includes(w)));
    if (!reasons || !own || own.length === 0) return true;
    const mine = Math.max(...own.map((r) => r.count));
    return reasons.every((r) => own.includes(r) || r.count < mine);
  })?.means;
}
