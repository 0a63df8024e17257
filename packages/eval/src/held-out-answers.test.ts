// The baseline's answers on held-out worlds for rules that span a whole run (the notes after an applied fix,
// the crash that yields to its dependency's, the scan's word on a headless Service): the world's own file
// is run and the answer read, so the rule is checked where it was written for.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baselineAnswer } from './__fixtures__/baseline-answer.js';

const world = (dir: string, id: string) =>
  readFileSync(fileURLToPath(new URL(`../../../${dir}/${id}.yaml`, import.meta.url)), 'utf8');

describe('notes after an applied rollback', () => {
  it('describe the bad rollout in its own direction, not the rollback', async () => {
    const answer = await baselineAnswer(world('scenarios-held-out', 'bad-rollout-missing-module'));
    expect(answer).toContain('Fix applied (approved)');
    expect(answer).toContain('"registry.shop.io/checkout:24.2.7" -> "registry.shop.io/checkout:24.3.0"');
    expect(answer).not.toContain('"registry.shop.io/checkout:24.3.0" -> "registry.shop.io/checkout:24.2.7"');
  });

  it("keep the rollout's change of a variable the program says is 'not set or changed'", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-81', 'hydra-system-secret-regenerated-by-chart-move'),
    );
    expect(answer).toContain('Fix applied (approved): roll hydra back');
    expect(answer).toContain(
      'the environment variable SECRETS_SYSTEM is set, but not to the value the program needs',
    );
    expect(answer).toContain(
      '"valueFrom secret hydra-system-keys, entry system" -> "valueFrom secret hydra, entry secretsSystem"',
    );
    expect(answer).not.toContain('SECRETS_SYSTEM is missing');
  });

  it('a program\'s own "Error: not found" is not called a missing command', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-79', 'topolvm-lvmd-volume-group-not-found-on-nvme-pool'),
    );
    expect(answer).toContain('Error: not found');
    expect(answer).not.toMatch(/its command (?:\S+ )?is not found in the image/);
  });

  it('a crash blamed on a dependency whose own pods crash yields to their crash', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-83', 'risingwave-kubeblocks-cluster-without-s3-state-store'),
    );
    expect(answer).toMatch(/^Root cause: pod clickstream-rw-meta-0 /);
    expect(answer).toContain('object store of the state store cannot be created');
  });

  it("a headless Service selecting no pod says its pods' names do not resolve", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-83', 'hdfs-datanodes-denied-headless-service-selector'),
    );
    expect(answer).toContain('it is headless (ClusterIP None)');
    expect(answer).toContain('reverse lookup (PTR)');
  });

  it('a one-off OOM kill days ago does not outrank the crash loop the task names', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-84', 'iceberg-catalog-image-lacks-table-exists-route'),
    );
    expect(answer).toMatch(/^Root cause: deployment orders-ingest /);
    expect(answer).not.toMatch(/^Root cause: deployment trino-worker/);
  });

  it("a 503 from the health endpoint quotes the program's word on why, and the moved manifest", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-84', 'addon-sync-image-updater-manifest-path-moved'),
    );
    expect(answer).toContain('argocd-image-updater');
    expect(answer).toContain('no longer at that URL');
  });

  it('a crash on a tcp:// value names the service link variable and sets it to the port', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-85', 'supertokens-service-link-port-collision'),
    );
    expect(answer).toContain('SUPERTOKENS_PORT, the service link variable');
    expect(answer).toContain('Fix applied (approved): set SUPERTOKENS_PORT=');
  });

  it("a pooler's pool_size against max_connections less the superuser slots", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-85', 'odyssey-pool-size-exceeds-max-connections'),
    );
    expect(answer).toMatch(/^Root cause: deployment odyssey /);
    expect(answer).toContain('leaving 17 for every other client');
  });

  it("a Service selecting no pod is why its client crashes, and gets the pod's labels", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-85', 'onyx-vespa-selector-hardcoded-instance-label'),
    );
    expect(answer).toMatch(/^Root cause: service vespa-service /);
    expect(answer).toContain('app.kubernetes.io/instance=danswer');
  });

  it("a mounted Secret never issued: the Certificate's issuer and the key the CA holds", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-85', 'step-issuer-provisioner-key-base64-encoded'),
    );
    expect(answer).toMatch(/^Root cause: certificate ledger-gw-mtls /);
    expect(answer).toContain('ConfigMap step-ca-config');
  });

  it("the scan's egress finding about a read pod outranks another pod's old OOM kill", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-85', 'terrakube-api-egress-blocked-release-index'),
    );
    expect(answer).toMatch(/^Root cause: deployment terrakube-api /);
    expect(answer).toContain('terrakube-api-egress');
  });

  it('an admission webhook without endpoints: its server in its own namespace', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-86', 'hnc-webhook-no-endpoints-starved-manager'),
    );
    expect(answer).toMatch(/^Root cause: webhook objects.hnc.x-k8s.io: /);
    expect(answer).toContain('its CPU limit is 50m');
  });

  it('a sandbox runtime whose installer replaced one part and kept the other', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-86', 'firecracker-kata-vsock-field-rejected'),
    );
    expect(answer).toContain('replaced firecracker 0.17.1 with 0.18.0');
  });

  it('a .wasm program run as a native binary names the missing Wasm annotation', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-86', 'wasmedge-image-without-wasm-annotation'),
    );
    expect(answer).toContain('module.wasm.image/variant');
  });

  it("a configuration error names the setting's empty entry", async () => {
    const answer = await baselineAnswer(world('scenarios-held-out-86', 'cubefs-datanode-empty-disk-list'));
    expect(answer).toContain('disks is [""]: an empty entry');
  });

  it('a backup that exits 0 without the files its user could not read', async () => {
    const answer = await baselineAnswer(world('scenarios-held-out-87', 'k8up-backup-non-root-unreadable'));
    expect(answer).toContain('runAsUser');
    expect(answer).not.toMatch(/^No fault found/);
  });

  it('a CSI driver without its CSIDriver object', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-87', 'cephfs-missing-csidriver-attach-timeout'),
    );
    // A CSIDriver and a webhook configuration are cluster-scoped: no namespace on the first line.
    expect(answer).toMatch(/^Root cause: csidriver cephfs.csi.ceph.com: /);
  });

  it("a node's network agent that does not run", async () => {
    const answer = await baselineAnswer(world('scenarios-held-out-87', 'weave-net-blank-system-ids'));
    expect(answer).toContain('All system IDs are blank');
    expect(answer).toContain('worker-4');
  });

  it("a named workload's quiet replica is followed by the replica that holds the work", async () => {
    const answer = await baselineAnswer(world('scenarios-held-out-88', 'opensearch-max-shards-daily-index'));
    expect(answer).toContain('maximum shards open');
    expect(answer).not.toMatch(/^No fault found/);
  });

  it.each(['negative-cilium-clustermesh-startup-warnings', 'negative-storefront-loader-cache-miss-warning'])(
    'warnings the program got past give the all-clear (%s)',
    async (id) => {
      const answer = await baselineAnswer(world('scenarios-held-out-88', id));
      expect(answer).toMatch(/^No fault found/);
    },
  );

  it("a TOML value without quotes is quoted in the program's ConfigMap", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-89', 'kube-monkey-config-toml-unquoted-namespace'),
    );
    expect(answer).toContain('`staging-orders` unquoted');
    expect(answer).toContain('Fix applied (approved): quote');
  });

  it('replicas sharing an embedded database file', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-89', 'kubepi-replicas-embedded-db-setup-panic'),
    );
    expect(answer).toContain('share one embedded database file');
  });

  it('a claim the operator was to create: its log says why it did not', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-88', 'nebula-graphd-log-claim-misindented'),
    );
    expect(answer).toContain('which the operator in namespace nebula-operator-system was to create');
    expect(answer).toContain('logVolumeClaim has no storageClassName');
  });

  it("a broker node's own log, found behind its Service's endpoints, says it formed a cluster of its own", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-89', 'rabbitmq-replaced-volume-inconsistent-cluster'),
    );
    expect(answer).toContain("thinks it's clustered with node");
    expect(answer).toContain('came back with an empty or replaced data directory');
  });

  it('result pages sent to the other replica: the Service is made sticky', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-90', 'databend-query-result-pages-routed-to-other-node'),
    );
    expect(answer).toMatch(/^Root cause: service databend-query /);
    expect(answer).toContain('SHOULD be on server');
    expect(answer).toContain(
      'Fix applied (approved): set sessionAffinity: ClientIP on service databend-query',
    );
  });

  it("a variable the container's own ConfigMap lacks is added from the ConfigMap named like it", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'airbyte-worker-webapp-url-missing-from-configmap'),
    );
    expect(answer).toContain('ConfigMap airbyte-worker-env (envFrom), which does not have WEBAPP_URL');
    expect(answer).toContain('Fix applied (approved): add WEBAPP_URL=');
  });

  it('a URL with two schemes is set to one', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'triton-model-repository-url-with-two-schemes'),
    );
    expect(answer).toContain('a URL written with two schemes');
    expect(answer).toContain('Fix applied (approved): set MODEL_REPOSITORY');
  });

  it("a webhook's Service found in another namespace than its configuration names", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'seldon-webhook-points-to-namespace-without-service'),
    );
    expect(answer).toContain('Service seldon-webhook-service runs in namespace seldon');
  });

  it("a binding left on the agent's old namespace", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'grafana-agent-binding-left-on-old-namespace'),
    );
    expect(answer).toContain(
      'binds ClusterRole grafana-agent to ServiceAccount grafana-agent in namespace observability',
    );
  });

  it("the operator of the product the task names: its previous instance's reconcile error", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'mattermost-install-reconciling-filestore-url-missing'),
    );
    expect(answer).toContain('was given an empty endpoint');
  });

  it('a start-up call to a host on the internet', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'label-studio-airgapped-startup-version-check-crash'),
    );
    expect(answer).toContain('cannot connect to pypi.org, a host on the internet outside the cluster');
  });

  it("a backup that ended PartiallyFailed: its controller's line about it, restic's exit status 3", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'velero-fs-backup-partially-failed-live-index-writes'),
    );
    expect(answer).toContain(
      'Backup nightly-logging-20260812020005 (namespace velero) ended PartiallyFailed',
    );
    expect(answer).toContain('at least one source file could not be read');
    expect(answer).toContain('writing the volume during the backup');
  });

  it('a queue only a worker scaled to zero takes, scaled back to one', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'redash-generic-worker-at-zero-periodic-queue-unserved'),
    );
    expect(answer).toContain('nothing consumes the queues periodic, emails, default');
    expect(answer).toContain('Fix applied (approved): scale redash-generic-worker to 1 replica');
  });

  it("a Django host check that refuses the kubelet's probe by the pod IP", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'paperless-allowed-hosts-rejects-kubelet-probe-by-pod-ip'),
    );
    expect(answer).toContain("10.244.0.12 is the pod's own IP: these are the kubelet's HTTP probes");
  });

  it('a readiness exec probe that fails without a word: the log says the database waits for its migration', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'sonarqube-floating-tag-pulled-newer-release-db-migration-pending'),
    );
    expect(answer).toContain('Database needs to be migrated');
    expect(answer).not.toContain('vm.max_map_count is 65530');
  });

  it("a module not found through pnpm's isolated layout", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'strapi-pnpm-built-release-cannot-load-mysql2'),
    );
    expect(answer).toContain('the require stack runs through node_modules/.pnpm/');
  });

  it('a driver loader without a prebuilt driver, on the new nodes only', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'falco-new-pool-kernel-has-no-driver-module-or-headers'),
    );
    expect(answer).toContain("found no prebuilt driver for this node's kernel release");
    expect(answer).toContain('the pods of falco fail only on pool-b-1 (20h old), pool-b-2 (19h old)');
  });

  it('the quoted warnings, found in the logs the person points at', async () => {
    const strapi = await baselineAnswer(
      world('scenarios-held-out-92', 'negative-strapi-release-build-log-npm-deprecation-warnings'),
    );
    expect(strapi).toContain('one of 10 lines read with "npm WARN deprecated"');
    const matomo = await baselineAnswer(
      world('scenarios-held-out-92', 'negative-matomo-scan-flags-referrer-spam-blocklist'),
    );
    expect(matomo).toContain('referrer-spam-list/spammers.txt');
  });
  it('a custom resource whose list holds two entries of one name, in the namespace the person reports', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'kuberay-duplicate-worker-group-name-pod-churn'),
    );
    expect(answer).toContain('2 entries of spec.workerGroupSpecs with the same groupName "workers"');
    expect(answer).not.toContain('namespace training');
  });

  it("an operator's object refused by the CRD an older install left", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'k8ssandra-datacenter-rejected-by-legacy-cass-operator-crd'),
    );
    expect(answer).toContain('which an older install put there (cass-operator 1.4.1');
  });

  it("a new install seeding the other namespace's database", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'discourse-new-install-seeds-other-namespaces-populated-db'),
    );
    expect(answer).toContain('its DISCOURSE_DATABASE_HOST is postgresql.community-staging.svc.cluster.local');
    expect(answer).not.toContain('environment variable DISCOURSE_ is missing');
  });

  it('no rollback where the person rules it out', async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-92', 'backstage-kubernetes-plugin-without-config-section'),
    );
    expect(answer).toContain('no `kubernetes:` section in the app config');
    expect(answer).not.toMatch(/roll devportal back/);
  });
  it("a file one run's pod wrote, read by the re-execution's pod", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-91', 'dagster-reexecution-step-output-on-pod-local-storage'),
    );
    expect(answer).toContain('that file was written by another pod, dagster-run-3f9a1c6e');
    expect(answer).toContain('not persisted beyond that pod');
  });

  it('set 93: each world answered with its own rule', async () => {
    const expected: [string, string][] = [
      [
        'litellm-proxy-config-mounted-but-never-passed',
        'not the config file mounted from ConfigMap litellm-config',
      ],
      ['negative-graylog-new-node-without-inputs-notification', 'No fault found in namespace logging-sec'],
      [
        'neo4j-read-replicas-discovery-host-in-default-namespace',
        'the kg-core Service is in graphdb, not default',
      ],
      ['netbox-nginx-upstream-service-removed-in-cleanup', 'no Service named netbox exists in netops'],
      ['pomerium-authenticate-https-proxy-dropped-oidc-discovery-timeout', 'but no HTTPS_PROXY'],
      ['sealed-secrets-two-controllers-each-generated-own-key', 'the controller is installed twice'],
      [
        'teleport-kube-service-without-serviceaccount-token-after-hardening',
        'no service account token mounted',
      ],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-93', id));
      expect(answer, id).toContain(words);
    }
    const graylog = await baselineAnswer(
      world('scenarios-held-out-93', 'negative-graylog-new-node-without-inputs-notification'),
    );
    expect(graylog).not.toContain('vm.max_map_count is below');
    const sealed = await baselineAnswer(
      world('scenarios-held-out-93', 'sealed-secrets-two-controllers-each-generated-own-key'),
    );
    expect(sealed).not.toContain('There is no prod-eu-2');
  });
  it('set 94: the worlds its rules reach', async () => {
    const expected: [string, string][] = [
      ['litmus-container-kill-docker-runtime-on-containerd-nodes', 'as its container runtime, not Docker'],
      [
        'negative-opencost-nodes-in-prometheus-not-in-api-after-scale-down',
        'nodes the cluster no longer has',
      ],
      [
        'negative-coturn-removed-no-loopback-peers-option-after-upgrade',
        'Bad configuration format: no-loopback-peers',
      ],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-94', id));
      expect(answer, id).toContain(words);
    }
    const coturn = await baselineAnswer(
      world('scenarios-held-out-94', 'negative-coturn-removed-no-loopback-peers-option-after-upgrade'),
    );
    expect(coturn).toContain('No fault found in namespace rtc');
    expect(coturn).not.toContain('There is no no-loopback-peers');
  });
  it('set 94 (later rules) and set 95: the worlds their rules reach', async () => {
    const expected: [string, string, string][] = [
      [
        'scenarios-held-out-94',
        'memgraph-ontap-nfs-snapshot-dir-in-data-directory',
        "NetApp ONTAP's snapshot directory .snapshot",
      ],
      [
        'scenarios-held-out-94',
        'zitadel-init-stuck-crdb-installed-insecure-no-cert-secrets',
        'does not exist because crdb runs without TLS',
      ],
      [
        'scenarios-held-out-94',
        'typesense-nodes-file-uses-cluster-local-on-prod-local-cluster',
        "this cluster's DNS domain is prod.local",
      ],
      [
        'scenarios-held-out-95',
        'stackstorm-coordination-redis-blocked-by-baseline-networkpolicy',
        'port 6379, the one st2-redis serves on, is not allowed',
      ],
      [
        'scenarios-held-out-95',
        'redmine-mariadb-data-moved-to-root-owned-nfs-export',
        'does not apply fsGroup to NFS volumes',
      ],
      ['scenarios-held-out-95', 'netbird-operator-bumped-past-installed-crd-version', 'serve only v1'],
      ['scenarios-held-out-95', 'parca-agent-crashloops-on-kind-nodes-user-namespaces', 'is a kind node'],
    ];
    for (const [dir, id, words] of expected) {
      const answer = await baselineAnswer(world(dir, id));
      expect(answer, id).toContain(words);
    }
    // The person asked to confirm before rolling back: no rollback is tried.
    const memgraph = await baselineAnswer(
      world('scenarios-held-out-94', 'memgraph-ontap-nfs-snapshot-dir-in-data-directory'),
    );
    expect(memgraph).not.toContain('search server');
    expect(memgraph).not.toContain('refused: the change was not approved');
    const redmine = await baselineAnswer(
      world('scenarios-held-out-95', 'redmine-mariadb-data-moved-to-root-owned-nfs-export'),
    );
    expect(redmine).not.toContain('environment variable is missing');
  });
  it('set 96: the worlds its rules reach', async () => {
    const expected: [string, string][] = [
      ['growthbook-api-host-left-at-localhost', "a browser resolves localhost to the user's own machine"],
      ['soketi-network-watcher-missing-start-command', 'without a command of its own'],
      ['etherpad-deploy-job-unquoted-db-port', 'the variable DB_PORT has the value 5432, unquoted'],
      ['openproject-edition-classic-rejected-after-upgrade', 'set it to standard instead'],
      [
        'invoiceninja-debian-image-without-public-volume',
        'declares the volume public (EmptyDir) but no container mounts it',
      ],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-96', id));
      expect(answer, id).toContain(words);
    }
  });
  it("set 96's misses, before set 97: the worlds their rules reach", async () => {
    const answer = await baselineAnswer(
      world('scenarios-held-out-96', 'negative-wallabag-preview-image-auth-popup'),
    );
    expect(answer).toContain('No fault found');
    expect(answer).toContain("the page's preview image is hosted on staging-docs.cms-preview.example");
    const gitpod = await baselineAnswer(
      world('scenarios-held-out-96', 'gitpod-team-workspace-image-built-on-alpine'),
    );
    expect(gitpod).toContain('Alpine uses musl');
    expect(gitpod).toContain('ws-data-etlpipelin-w2h7c4x8pfe');
  });
  it('set 97: the worlds its rules reach', async () => {
    const expected: [string, string][] = [
      ['hyperdx-collector-image-repository-unset', 'a tag with no repository'],
      ['juicefs-stale-fuse-mountpoint', 'left its FUSE mount point behind'],
      ['negative-pihole-interface-fallback-warning', 'FTLCONF_dns_interface=ens18'],
      ['negative-joomla-php-support-notice', 'security fixes only until its end of life on 2027-12-31'],
      ['tooljet-outdated-server-manifest', 'which this server does not serve'],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-97', id));
      expect(answer, id).toContain(words);
    }
  });
  it('set 98: the worlds its rules reach', async () => {
    const expected: [string, string][] = [
      ['immich-server-unready-after-upgrade', 'set IMMICH_PORT=3001 on immich-server/server'],
      ['volcano-scheduler-queue-webhook-timeout', 'the API server is not a pod'],
      ['kepler-exporter-rbac-pods', 'the ClusterRole kepler-clusterrole, bound to'],
      ['kratos-helm-config-missing-required', 'lacks the required settings identity'],
      ['vcluster-k3s-kine-socket-nfs', 'NFS does not hold unix-domain socket files'],
      ['chaos-daemon-runtime-docker-on-containerd', 'daemonset chaos-daemon is set up for the docker'],
      ['flagger-canary-status-old-cluster', 'only from Kubernetes 1.11'],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-98', id));
      expect(answer, id).toContain(words);
    }
  });
  it('set 99: the worlds its rules reach', async () => {
    const expected: [string, string][] = [
      ['vaultwarden-fails-at-first-start', 'the pod sets no fsGroup'],
      ['firefly-app-never-ready', 'set DB_HOST=firefly-iii-firefly-db on firefly-iii/app'],
      [
        'kueue-training-jobs-stay-suspended',
        'the CustomResourceDefinition clusterqueues.kueue.x-k8s.io is not installed',
      ],
      ['cube-api-restarts-on-graphql', 'links ..data to it'],
      ['vllm-chat-engine-crashloop', 'VLLM_PORT'],
    ];
    for (const [id, words] of expected) {
      const answer = await baselineAnswer(world('scenarios-held-out-99', id));
      expect(answer, id).toContain(words);
    }
  });
});

describe("the answer's first line places an object where it lives", () => {
  it.each([
    // A ClusterRole, a CustomResourceDefinition and a namespace live in no namespace.
    ['scenarios-held-out-98', 'kepler-exporter-rbac-pods', 'Root cause: clusterrole kepler-clusterrole: '],
    [
      'scenarios-held-out-99',
      'kueue-training-jobs-stay-suspended',
      'Root cause: customresourcedefinition clusterqueues.kueue.x-k8s.io: ',
    ],
    [
      'scenarios-held-out-23',
      'mesh-refund-api-no-sidecar-istio-injection-label-revisioned-control-plane',
      'Root cause: namespace refunds: ',
    ],
    // A PersistentVolumeClaim does.
    [
      'scenarios-held-out-2',
      'pvc-storageclass-missing',
      'Root cause: persistentvolumeclaim feast-postgres-data in namespace ml-feature-store: ',
    ],
  ])('%s/%s', async (dir, id, head) => {
    const answer = await baselineAnswer(world(dir, id));
    expect(answer.split('\n')[0]).toContain(head);
  });
});

describe("set 100's worlds: the rules written after its first contact", () => {
  it.each([
    [
      'stolon-health-job-failing',
      [
        'Root cause: job pg-health-29674725',
        'missing the kubernetes resource kind setting',
        '--kube-resource-kind=configmap',
      ],
      ['There is no keeper-1'],
    ],
    [
      'woodpecker-pipelines-fail',
      [
        'Root cause: serviceaccount woodpecker-agent',
        'not allowed to create persistentvolumeclaims',
        'were never made',
      ],
      ['Root cause: persistentvolumeclaim build-cache-data'],
    ],
    [
      'photoprism-stuck-deploying',
      ['Root cause: node nas-01: the clock of node nas-01 is wrong', 'behind', 'it has not expired'],
      ['Also seen (separate from this incident): deployment photoprism'],
    ],
    [
      'odoo-erp-restarts',
      ['ODOO_PASSWORD', 'single quote', 'Fix applied (approved): roll odoo back'],
      ["Ledger'1904"],
    ],
    [
      'fission-executor-errors',
      [
        'Root cause: deployment metrics-server in kube-system',
        'unknown authority',
        'Fix applied (approved): restart deployment metrics-server',
      ],
      ['Root cause: deployment storagesvc'],
    ],
    [
      'openfaas-portal-backend-error',
      ['DefaultFunctionNamespace (the default function namespace) is kube-system', 'refuses to list'],
      ['Root cause: deployment kube-state-metrics'],
    ],
    [
      'home-assistant-log-warnings',
      ['No fault found in namespace home', 'the warning is harmless', 'evohomeasync2'],
      ['Root cause:'],
    ],
  ])('%s', async (id, said, unsaid) => {
    const answer = await baselineAnswer(world('scenarios-held-out-100', id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe('a latency percentile in the task is not searched as a name', () => {
  it('"p99 through the roof" is about the named workload, not an object called p99', async () => {
    const answer = await baselineAnswer(world('scenarios-held-out-5', 'hpa-replicas-reset-by-ci-apply'));
    expect(answer).not.toContain('There is no p99');
  });
});

describe("set 101's worlds: the rules written after its first contact", () => {
  it.each([
    [
      'bookstack-wiki-restarts',
      ['an interrupted database migration', 'killed by its liveness probe', 'the table joint_permissions'],
      ['slow start'],
    ],
    [
      'seafile-sync-down',
      ['DB_PORT', 'service link', 'Fix applied (approved): set DB_PORT=3306'],
      ['reads its own port'],
    ],
    [
      'penpot-login-refused',
      ['PENPOT_FLAGS', 'quotes as part of the value', 'Fix applied (approved): set PENPOT_FLAGS'],
      ['Root cause: deployment penpot-exporter'],
    ],
    [
      'emqx-nodes-not-clustering',
      ['Root cause: serviceaccount emqx', 'not allowed to get endpoints', 'one-node cluster'],
      ['Root cause: deployment mqtt-kafka-bridge'],
    ],
    [
      'spinnaker-registry-account',
      ['no repositories specified', 'the steps after it never ran'],
      ['the pod\'s log says "[install] step'],
    ],
    ['mastodon-upgrade-warnings', ['No fault found in namespace social'], ['Root cause:']],
  ])('%s', async (id, said, unsaid) => {
    const answer = await baselineAnswer(world('scenarios-held-out-101', id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("set 102's worlds: the rules written after its first contact", () => {
  it.each([
    [
      'zigbee-bridge-restarting',
      ['ZIGBEE2MQTT_CONFIG_MQTT_SERVER', 'without the mqtt:// scheme', 'Fix applied (approved)'],
      ['Root cause: deployment esphome'],
    ],
    [
      'forum-upgrade-warnings',
      ['No fault found in namespace community', 'only a warning, not an error', 'harmless'],
      ['Root cause:'],
    ],
    [
      'helpdesk-portal-down',
      ['asks for ReadWriteMany', 'does not support', 'zammad-railsserver-'],
      ['Root cause: deployment zammad-backup'],
    ],
    [
      'superset-charts-failing',
      ['must be owner of table tables', 'carried on', 'column tables.catalog does not exist'],
      ['Root cause: deployment report-screenshots'],
    ],
    [
      'prefect-worker-not-starting',
      ['Prefect Cloud', 'the Service prefect-server', 'Fix applied (approved): set PREFECT_API_URL'],
      ['create what is missing'],
    ],
    [
      'invoice-renderer-stale-settings',
      ['on the reloader Deployment itself', 'invoice-renderer'],
      ['Root cause: deployment statement-exporter'],
    ],
  ])('%s', async (id, said, unsaid) => {
    const answer = await baselineAnswer(world('scenarios-held-out-102', id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("set 103's worlds: the rules written after its first contact", () => {
  it.each([
    [
      'sql-client-pod-stuck',
      ['node minikube has no disk space left', 'the disk is full', 'Not a wrong tag'],
      ['does not exist in the registry'],
    ],
    [
      'workflows-never-start',
      ['argoproj/workflow-controller:v1.1.0', 'Fix applied (approved): set the image of workflow-controller'],
      [],
    ],
    [
      'rebalancer-targets-busy-node',
      ['count requests, not actual usage', 'Fix applied (approved): set the CPU request of thumbnailer'],
      ['Root cause: deployment subtitle-fetcher'],
    ],
    [
      'storefront-deploy-stage-failing',
      [
        'does not include 10.40.0.50 among its subject alternative names',
        'certSANs list 127.0.0.1, 10.40.0.11',
      ],
      ['Root cause: deployment pipeline-notifier', 'CA bundle'],
    ],
  ])('%s', async (id, said, unsaid) => {
    const answer = await baselineAnswer(world('scenarios-held-out-103', id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("set 104's worlds: the rules written after its first contact", () => {
  it.each([
    [
      'gluster-heketi-stuck-creating',
      ['GlusterFS client on node node2', '30712 (GlusterFS 3.7.12)'],
      ['create the ConfigMap'],
    ],
    ['px-cluster-pods-restarting', ['without the etcd: prefix', 'etcd:http://'], []],
    ['freeswitch-pods-not-starting', ['has no key named cookie', 'erlang.cookie'], []],
    [
      'storefront-ssr-startup-warnings',
      ['No fault found in namespace storefront', 'DEP0005', 'harmless'],
      ['Root cause:'],
    ],
    ['clair-scanner-crashloop', ['no egress rule allows DNS'], []],
    ['tetragon-operator-restarts', ['exec format error'], []],
  ])('%s', async (id, said, unsaid) => {
    const answer = await baselineAnswer(world('scenarios-held-out-104', id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 105 and 106's worlds: the rules written after their first contact", () => {
  it.each([
    [
      'scenarios-held-out-105',
      'apm-collector-storage-errors',
      ['Root cause: deployment apm-hbase', 'no record for a Deployment', 'headless Service'],
      ['Root cause: deployment apm-alert-mailer'],
    ],
    [
      'scenarios-held-out-105',
      'edge-gateway-one-replica-restarting',
      [
        'sends its DNS lookups to 10.96.0.100',
        'kube-dns in kube-system is at 10.96.0.10',
        "pool-b-7's kubelet",
      ],
      ['a required environment variable is missing'],
    ],
    [
      'scenarios-held-out-105',
      'mqtt-cluster-stuck-creating',
      ['hivemq'],
      ['Root cause: deployment mqtt-loadgen'],
    ],
    [
      'scenarios-held-out-105',
      'gateway-token-checks-failing',
      ['removed its hydra container', 'Fix applied (approved)', 'hydra-admin.identity.svc:4445'],
      ['Root cause: deployment mail-relay'],
    ],
    [
      'scenarios-held-out-107',
      'flow-builder-crashloop-after-upgrade',
      ['that is the value of LANGFLOW_RUNTIME_PORT', 'the Service langflow-runtime'],
      [],
    ],
    [
      'scenarios-held-out-106',
      'shop-router-not-ready',
      ['lacks any rule for routegroups (API group zalando.org)', 'Fix applied (approved)'],
      ['Root cause: deployment image-resizer'],
    ],
    [
      'scenarios-held-out-106',
      'lineage-graph-stuck-creating',
      ['is a hostPath volume', 'does not exist on node pool-b-4h8tq'],
      ['Root cause: deployment digest-mailer'],
    ],
    [
      'scenarios-held-out-106',
      'sandbox-runner-no-space',
      ['user.max_user_namespaces', 'it is not the disk', 'the new nodes'],
      ['its volume is full'],
    ],
    [
      'scenarios-held-out-106',
      'media-library-config-denied',
      ['Root cause: deployment movie-library'],
      ['Root cause: deployment subtitle-fetcher'],
    ],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 105, 107, 108, 109 and 110's worlds: the rules written in the session that measured 108 to 110", () => {
  it.each([
    [
      'scenarios-held-out-105',
      'identity-server-pods-restarting',
      ['Root cause: deployment wso2is', 'binds the Role wso2is-membership', 'not to wso2is-sa'],
      ['Root cause: persistentvolumeclaim analytics-events'],
    ],
    [
      'scenarios-held-out-105',
      'dex-login-down-after-upgrade',
      ['the legacy claim kubernetes.io/serviceaccount/namespace', 'Fix applied (approved)'],
      [],
    ],
    [
      'scenarios-held-out-107',
      'assistant-model-server-restarting',
      ['that input alone is larger than the limit'],
      [],
    ],
    [
      'scenarios-held-out-108',
      'crm-restarting-after-onprem-move',
      ['SUITECRM_HOST', "LoadBalancer Service's EXTERNAL-IP column", 'Fix applied (approved)'],
      [],
    ],
    ['scenarios-held-out-108', 'secrets-store-not-ready-after-move', ['HTTP 501: not initialized'], []],
    [
      'scenarios-held-out-108',
      'node-syslog-missing-in-loki',
      ['Root cause: daemonset promtail', 'capabilities drop: [ALL]', 'CAP_DAC_READ_SEARCH'],
      ['Root cause: deployment k8s-event-shipper'],
    ],
    [
      'scenarios-held-out-108',
      'k8s-monitoring-daemon-restarting',
      ['(previous revision): KUBECONFIG=/etc/icinga-kubernetes/kubeconfig/config', 'Fix applied (approved)'],
      [],
    ],
    [
      'scenarios-held-out-109',
      'files-external-storage-forbidden',
      ['Root cause: deployment nextcloud', 'does not apply fsGroup to NFS volumes'],
      ['Root cause: deployment notify-push'],
    ],
    [
      'scenarios-held-out-109',
      'monitoring-chart-upgrade-psp-warning',
      ['PodSecurityPolicy (policy/v1beta1) was removed in Kubernetes 1.25', 'informational and harmless'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-108',
      'proxysql-set-statement-warnings',
      ['No fault found in namespace db-proxy', 'pinned that client', 'harmless'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-108',
      'promtail-watchconfig-warning',
      ['No fault found', 'config watching is on'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-109',
      'registry-database-bus-error',
      ['because of huge pages', 'hugepages-2Mi: 4Gi'],
      ['its shared memory in /dev/shm is too small'],
    ],
    [
      'scenarios-held-out-109',
      'scanner-install-certificate-warnings',
      ["cert-manager's admission warning", 'informational and harmless'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-110',
      'cassandra-nightly-backup-failing',
      ['cassandra-0 has no container named cassandra', 'named server'],
      [],
    ],
    [
      'scenarios-held-out-110',
      'registry-pushes-503',
      ['"dev" is a development build', 'Fix applied (approved)', 'goharbor/harbor-registryctl:v2.11.1'],
      [],
    ],
    [
      'scenarios-held-out-110',
      'code-quality-down-after-weekend',
      [
        'Root cause: pod sonarqube',
        'whose schema has not been migrated',
        'Fix applied (approved): roll sonarqube back to the previous revision',
      ],
      ['Root cause: deployment sonar-webhook-relay'],
    ],
    [
      'scenarios-held-out-110',
      'members-portal-login-502',
      [
        "the 502 is the Ingress controller's own answer",
        'GET /auth/callback',
        'larger than proxy_buffer_size',
      ],
      ['Root cause: deployment points-export', 'proxy-read-timeout'],
    ],
    [
      'scenarios-held-out-109',
      'helpdesk-site-404-after-proxy-upgrade',
      [
        'Root cause: deployment helpdesk-web',
        'scaled to 0 replicas',
        'answers its own 404 page not found instead of a 503',
      ],
      ['Root cause: deployment kb-analytics'],
    ],
    [
      'scenarios-held-out-111',
      'approvals-ui-rollout-stuck',
      ['separate management port, 8081', 'Fix applied (approved)', 'on the management port 8081'],
      ['/healthz'],
    ],
    [
      'scenarios-held-out-111',
      'edge-proxy-obsolete-directive-warnings',
      ['No fault found', 'directive is obsolete', 'it ignores it'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-111',
      'pipeline-runs-stuck-after-release',
      ['Root cause: deployment pipeline-worker', 'left out of the release', 'Received unregistered task'],
      ['Root cause: deployment lineage-ui', 'restart RabbitMQ'],
    ],
    [
      'scenarios-held-out-111',
      'partner-gateway-install-stuck',
      ['harbor.corp.example/base/kong:3.6 has no kong executable on its PATH'],
      [],
    ],
    [
      'scenarios-held-out-111',
      'reporting-db-crashloop-new-install',
      ['runs as one transaction', 'the init script 10-reporting.sh'],
      ['permission denied'],
    ],
    [
      'scenarios-held-out-111',
      'storefront-bff-restarts-after-move',
      ['Fix applied (approved): set NODE_OPTIONS of mobile-bff/bff to "--max-old-space-size=768"'],
      ['raise the memory limit'],
    ],
    [
      'scenarios-held-out-111',
      'vector-store-minio-crashloop',
      ['runAsUser 1001', 'file access denied', 'fsGroup'],
      ['drive is faulty'],
    ],
    [
      'scenarios-held-out-112',
      'backup-server-crashloop-after-upgrade',
      ['config has invalid keys [prefix]', 'the plugin is older than the Velero server'],
      [],
    ],
    [
      'scenarios-held-out-112',
      'cluster-dns-rollout-stuck',
      ["unknown property 'upstream'", 'removed in 1.7.0'],
      [],
    ],
    [
      'scenarios-held-out-112',
      'dns-import-warnings-after-upgrade',
      ['No fault found', 'nothing to import'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-112',
      'java-webapp-404-after-redeploy',
      ['with no web application deployed', 'webapps.dist'],
      [],
    ],
    [
      'scenarios-held-out-112',
      'payments-pod-failedscheduling-warning',
      ['It got its room by preemption', 'PriorityClass overprovisioning'],
      ['Root cause:', 'need more nodes'],
    ],
    [
      'scenarios-held-out-112',
      'storefront-proxy-503s',
      ['Root cause: deployment front-proxy', 'certificate has expired', 'renew (reissue)'],
      ['Root cause: deployment recs-worker', 'roll back basket-api'],
    ],
    [
      'scenarios-held-out-113',
      'ledger-db-pods-pending',
      ['the cluster has no default StorageClass (none is marked default)'],
      [],
    ],
    [
      'scenarios-held-out-113',
      'payout-worker-release-waiting',
      ['the same name spelled differently', 'PSP_API_KEY should read key apiKey'],
      [],
    ],
    [
      'scenarios-held-out-113',
      'report-exporter-release-stuck',
      ['localhost in an image name is the node itself', 'nothing listens on that port of the node'],
      [],
    ],
    [
      'scenarios-held-out-109',
      'ci-agents-fail-to-connect',
      ['No subject alternative names matching IP address 10.20.30.40', 'does not cover the IP'],
      ['could not determine a root cause'],
    ],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 113, 114 and 115's worlds: the rules written in the session that measured 114 and 115", () => {
  it.each([
    [
      'scenarios-held-out-113',
      'contract-uploads-rejected-large',
      ['Root cause: ingress doc-intake', 'proxy-body-size'],
      ['Root cause: deployment ocr-worker'],
    ],
    [
      'scenarios-held-out-113',
      'grafana-certificate-warning',
      ['Root cause: ingress grafana', 'lists no hosts'],
      ['Root cause: deployment kube-state-metrics'],
    ],
    [
      'scenarios-held-out-113',
      'notify-api-queue-crashloop',
      ['renamed the variable REDIS_HOST of container api to REDIS_HOSTNAME', 'Fix applied (approved)'],
      ['roll notify-api back'],
    ],
    [
      'scenarios-held-out-113',
      'report-exporter-release-stuck',
      ['Fix applied (approved): set the image of report-exporter/exporter to registry.build.internal:5000'],
      [],
    ],
    [
      'scenarios-held-out-113',
      'spark-workers-cannot-reach-master',
      ['Still waiting on', 'cannot reach the API server'],
      [],
    ],
    [
      'scenarios-held-out-114',
      'cluster-dns-timeouts-new-pool',
      ['Root cause: calico-node in kube-system', 'BGP not established'],
      ['Root cause: deployment invoice-pdf'],
    ],
    [
      'scenarios-held-out-114',
      'cms-rollout-stalled',
      ['Fix applied (approved): set the memory request of cms-web/web back to 1Gi'],
      [],
    ],
    [
      'scenarios-held-out-114',
      'log-shipper-old-destination',
      ['still sends to es-logs-v7', 'names es-logs-v8 in its place', 'Fix applied (approved)'],
      [],
    ],
    ['scenarios-held-out-114', 'wiki-mirror-volume-warning', ['volume reconstruction'], ['Root cause:']],
    [
      'scenarios-held-out-115',
      'permits-portal-500s',
      ['predate Service database', 'DATABASE_SERVICE_HOST', 'Fix applied (approved)'],
      [],
    ],
    ['scenarios-held-out-115', 'analytics-mongo-replicaset-connect-timeout', [], ['There is no']],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 115, 116 and 117's worlds: the rules written in the session that measured 116 and 117", () => {
  it.each([
    [
      'scenarios-held-out-115',
      'dev-gateway-quotes-504',
      ['Root cause: deployment gateway', 'over HTTP/1.0', 'proxy_http_version 1.1'],
      ['raise proxy_read_timeout'],
    ],
    [
      'scenarios-held-out-115',
      'logging-cluster-upgrade-not-starting',
      ['will not restart a node for the upgrade until the cluster is green or yellow', 'The cluster is red'],
      [],
    ],
    ['scenarios-held-out-115', 'storefront-catalog-db-restarting', ['Root cause: deployment catalog-db'], []],
    [
      'scenarios-held-out-116',
      'broker-replica-missing-after-node-loss',
      ['Root cause: statefulset queue-broker (pod queue-broker-1)', 'stuck Terminating'],
      [],
    ],
    ['scenarios-held-out-116', 'cni-agent-kubelet-log-noise', ['high log verbosity'], ['Root cause:']],
    [
      'scenarios-held-out-116',
      'fx-rates-external-lookups-failing',
      ['Root cause: deployment fx-rates', 'search domains with ndots:5', 'musl'],
      [],
    ],
    [
      'scenarios-held-out-116',
      'export-downloads-time-out-at-gateway',
      ['Root cause: ingress export-api', 'default request timeout of 30 seconds'],
      ['Root cause: deployment pdf-preview'],
    ],
    [
      'scenarios-held-out-116',
      'scraper-oom-under-peak-load',
      ['maxReplicas of 10', 'Fix applied (approved): raise maxReplicas'],
      [],
    ],
    [
      'scenarios-held-out-116',
      'search-frontend-resets-during-deploys',
      ['Root cause: deployment advisories-web', 'fast shutdown', 'preStop'],
      ['Root cause: deployment feed-builder'],
    ],
    [
      'scenarios-held-out-116',
      'vault-ui-503-after-manifest-refresh',
      ['Root cause: service pass-vault', 'Fix applied (approved)'],
      ['Root cause: deployment attachment-scanner'],
    ],
    [
      'scenarios-held-out-117',
      'build-queue-stalled',
      ['runs at its CPU limit (500m of 500m'],
      ['not in the image'],
    ],
    [
      'scenarios-held-out-117',
      'docs-web-error-log-alert',
      ['before it reads its configuration'],
      ['Root cause:'],
    ],
    ['scenarios-held-out-117', 'log-alerts-agent-crashing', ['no location for /ready'], ['which is invalid']],
    [
      'scenarios-held-out-117',
      'session-store-replicas-restarting',
      ['slow start', 'Fix applied (approved): add a startupProbe'],
      [],
    ],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 118 and 119's worlds: the rules written in the session that measured them", () => {
  it.each([
    [
      'scenarios-held-out-118',
      'media-volume-expanded-still-full',
      ['FileSystemResizePending', 'Fix applied (approved): restart deployment asset-store'],
      [],
    ],
    [
      'scenarios-held-out-118',
      'roster-api-restarts-during-db-failover',
      ['liveness probe asks for /__heartbeat__', 'Fix applied (approved): point the liveness probe'],
      ['roll roster-api back'],
    ],
    [
      'scenarios-held-out-119',
      'dashboards-down-after-storage-move',
      ['database is locked', 'network file system'],
      ['GF_PATHS_DATA is missing'],
    ],
    ['scenarios-held-out-119', 'nightly-mongo-backup-failing', ['--oplog', 'runs standalone'], []],
    [
      'scenarios-held-out-119',
      'invoice-queue-dead-letter-warning',
      ['misleading and harmless'],
      ['Root cause:'],
    ],
    ['scenarios-held-out-119', 'stream-broker-warnings-after-upgrade', ['harmless'], ['Root cause:']],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});

describe("sets 118 to 129's worlds: the rules written in the sessions that measured sets 120 to 129", () => {
  it.each([
    [
      'scenarios-held-out-118',
      'ml-nodes-missing-log-agent',
      ['runs no pod on nodes train-a100-1, train-a100-2, train-a100-3', 'workload=training:NoSchedule'],
      ['OOMKilled'],
    ],
    ['scenarios-held-out-118', 'ledger-export-job-stuck-running', ['Root cause: job ledger-export'], []],
    [
      'scenarios-held-out-119',
      'queue-publishers-stalled',
      ['Fix applied (approved): set RABBITMQ_VM_MEMORY_HIGH_WATERMARK=819MiB'],
      ['roll rabbitmq back'],
    ],
    ['scenarios-held-out-119', 'ledger-api-connection-errors', ['[1040] Too many connections'], []],
    [
      'scenarios-held-out-120',
      'fleet-rebalancer-forbidden',
      ['Root cause: serviceaccount shard-rebalancer', 'Fix applied (approved)'],
      ['roll shard-rebalancer back'],
    ],
    [
      'scenarios-held-out-120',
      'quorum-store-third-replica-pending',
      ['Fix applied (approved): scale quorum-store from 3 to 2 replicas'],
      [],
    ],
    [
      'scenarios-held-out-120',
      'flow-collector-port-held',
      ['Deployment/netflow-receiver, another workload'],
      [],
    ],
    [
      'scenarios-held-out-120',
      'report-builder-evicted-records',
      ['leftovers of an earlier eviction'],
      ['Root cause:'],
    ],
    ['scenarios-held-out-120', 'settlement-export-runs-late', ['ran at 07:00 Europe/Berlin time'], []],
    [
      'scenarios-held-out-121',
      'celery-workers-dropping-broker',
      ['Fix applied (approved): set CELERY_WORKER_CONCURRENCY=2'],
      ['raise the CPU limit of thumbnail-worker'],
    ],
    [
      'scenarios-held-out-121',
      'cluster-dns-down-after-reimage',
      ['plugin/loop'],
      ['dnsPolicy Default, which is not the default'],
    ],
    [
      'scenarios-held-out-121',
      'cluster-logs-missing-buffer-overflow',
      ['Root cause: deployment elasticsearch'],
      [],
    ],
    [
      'scenarios-held-out-121',
      'intranet-wiki-path-404',
      ["Fix applied (approved): enable Traefik's Kubernetes CRD provider"],
      [],
    ],
    ['scenarios-held-out-121', 'metrics-ingest-too-many-parts', ['send_batch_size: 512'], []],
    [
      'scenarios-held-out-121',
      'search-rejections-idle-nodes',
      ['counts its processors from the CPU request'],
      [],
    ],
    ['scenarios-held-out-121', 'portal-traefik-ingressclass-warning', ['harmless'], ['Root cause:']],
    [
      'scenarios-held-out-122',
      'reporting-node-disk-pressure-cleared',
      ['the kubelet reclaimed the space itself'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-123',
      'portal-login-502-after-sign-in',
      ['Fix applied (approved): set proxy-buffer-size to 16k'],
      ['roll oauth2-proxy back'],
    ],
    ['scenarios-held-out-123', 'sidekiq-writes-refused-misconf', ['RDB snapshot'], []],
    ['scenarios-held-out-123', 'seller-listings-slow-after-release', ['planSummary COLLSCAN'], []],
    [
      'scenarios-held-out-123',
      'storefront-ingress-499-typeahead',
      ['499 client closed the request'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-122',
      'loyalty-pods-cannot-pull-on-new-node',
      ['expired at 2026-09-08T17:42:10Z'],
      [],
    ],
    ['scenarios-held-out-123', 'grafana-panels-plugin-missing-after-restart', ['one letter away'], []],
    [
      'scenarios-held-out-123',
      'invoice-exporter-target-down',
      ["the invoice-exporter job's scrape_timeout"],
      [],
    ],
    [
      'scenarios-held-out-124',
      'pdf-export-tmp-read-only',
      ['Fix applied (approved): set TMPDIR=/var/render-scratch'],
      ['roll pdf-export back'],
    ],
    ['scenarios-held-out-124', 'quorum-store-peers-unresolvable', ['Root cause: service quorum-store'], []],
    ['scenarios-held-out-124', 'staff-sso-code-not-valid', ['Root cause: node edge-2'], []],
    ['scenarios-held-out-124', 'storefront-large-responses-stall', ['MTU must be at most 1426'], []],
    [
      'scenarios-held-out-125',
      'newsroom-cache-writes-rejected',
      ['--maxmemory 512mb --maxmemory-policy allkeys-lru'],
      ['CrashLoopBackOff'],
    ],
    [
      'scenarios-held-out-125',
      'mesh-sidecar-tls-inspector-warnings',
      ['injects one itself'],
      ['Root cause:'],
    ],
    [
      'scenarios-held-out-126',
      'cluster-proxy-exits-after-image-bump',
      ['back to platform/cloud-sdk:472.0.0'],
      ['remove the command override'],
    ],
    ['scenarios-held-out-126', 'preview-env-pods-pending', ['runs 21 of its 21 allocatable pods'], []],
    [
      'scenarios-held-out-127',
      'analysis-consumer-rebalance-loop',
      ['KAFKA_MAX_POLL_INTERVAL_MS of callgraph-builder/worker to 2040000'],
      [],
    ],
    ['scenarios-held-out-127', 'ledger-replicas-wal-full', ['inactive replication slots'], []],
    [
      'scenarios-held-out-127',
      'notify-publishers-blocked',
      ['set PREFETCH_COUNT of push-fanout/worker to 100'],
      [],
    ],
    [
      'scenarios-held-out-129',
      'catalog-pages-slow-cache-errors',
      ['set MEMCACHED_CACHE_SIZE of product-cache/memcached to 256'],
      [],
    ],
    ['scenarios-held-out-129', 'image-push-fails-large-uploads', ['client_max_body_size 2000M'], []],
    [
      'scenarios-held-out-129',
      'invoice-events-publish-failing',
      ['KAFKA_CFG_MESSAGE_MAX_BYTES of events-kafka/kafka to 4194304'],
      [],
    ],
  ])('%s %s', async (dir, id, said, unsaid) => {
    const answer = await baselineAnswer(world(dir, id));
    for (const w of said) expect(answer, id).toContain(w);
    for (const w of unsaid) expect(answer, id).not.toContain(w);
  });
});
