// The baseline on every incident set in the repository, so a rule added for one family cannot
// silently break another. Every set, the development and review sets included, passes in full (after
// its first contact and the general fixes that followed, as its README records) except the worlds
// listed in NOT_YET, so a world that starts or stops passing shows up here.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from './baseline-model.js';
import { simEnvironment } from './environment.js';
import { runEval } from './runner.js';
import { loadScenarios } from './scenario-loader.js';

const root = (dir: string) => fileURLToPath(new URL(`../../../${dir}`, import.meta.url));

/** Worlds of a set the baseline does not pass yet (see each set's README.md). */
const NOT_YET: Readonly<Record<string, readonly string[]>> = {
  // An answer that gives the all-clear ("No fault found … nothing is wrong") in a world with a fault
  // fails its diagnosis since the twenty-second session, whatever the lines it quotes; these passed
  // by such answers before (see the root README, below the held-out sets' table).
  'scenarios-held-out-5': ['hpa-replicas-reset-by-ci-apply'],
  // The holder of the scroll contexts (audit-export) runs in a namespace the task does not name, and
  // the person's hunch about Elasticsearch spends the step budget before other-clients gets to it.
  'scenarios-held-out-40': ['ticket-export-scroll-contexts-exhausted-by-audit-export'],
  // Measured at the end of the session that wrote them (sets 43-44, 45-49, 50, 51, 52, 53); the misses
  // below have no rule yet (see each set's README).
  'scenarios-held-out-43': [
    'audit-shipper-stalls-on-index-closed-by-curator',
    'report-worker-lost-sigkill-after-concurrency-raise',
    'signup-api-rate-limits-everyone-as-ingress-pod-ip',
  ],
  'scenarios-held-out-44': [
    'build-board-unreachable-after-apex-hsts-include-subdomains',
    'loyalty-api-hikari-lifetime-over-hosted-mysql-idle-limit',
    'negative-repo-mirror-secondary-rate-limit-backoff-honoured',
    'settlement-pull-reset-by-nat-gateway-idle-timeout',
    'storefront-proxy-protocol-broken-header-in-cluster-hairpin',
  ],
  'scenarios-held-out-45': ['statement-pdf-tofu-boxes-alpine-no-fonts'],
  'scenarios-held-out-46': [
    'edge-gateway-503-uo-search-cluster-pending-requests-breaker',
    'ledger-archiver-token-fetch-before-gke-metadata-ready',
    'loki-drops-pushes-429-after-mongo-log-verbosity-raised',
    'notify-relay-550-spf-fail-after-egress-nat-move',
    'orders-db-wal-growth-idle-debezium-slot-without-heartbeat',
    'profile-cache-heap-oome-humongous-blobs-under-small-xmx',
    'redis-exporter-scratch-image-floods-coredns-with-localhost-lookups',
  ],
  'scenarios-held-out-48': ['catalog-writes-not-primary-after-mongo-election'],
  'scenarios-held-out-49': [
    'checkout-pay-widget-blocked-by-csp-after-vendor-cdn-move',
    'login-bff-pkce-verifier-mismatch-after-login-start-refactor',
    'negative-feed-writer-cassandra-batch-size-warnings-below-fail',
    'payment-webhooks-signature-mismatch-after-global-json-parser',
  ],
  'scenarios-held-out-50': [
    'docs-root-language-redirect-cached-without-vary',
    'fleet-tracker-watch-streams-queued-at-max-concurrent-streams',
    'negative-profile-api-cosmos-429s-retried-during-load-test',
    'open-tracker-firestore-contention-on-single-counter-document',
    'quote-engine-node-cannot-rejoin-cluster-after-restart-on-random-port',
    'tenant-api-threadpool-starved-by-blocking-cache-refresh',
  ],
  'scenarios-held-out-51': [
    'digest-job-event-loop-closed-exit-after-shutdown-reorder',
    'invoice-backfill-cursor-not-found-after-batch-size-raise',
    'order-api-publish-timeouts-broker-flow-control-consumer-capped',
    'pricing-pod-started-without-config-server-failfast-misindented',
    'rates-gateway-native-build-class-not-found-reflection',
    'spa-chunk-load-errors-from-asset-proxy-response-mixup',
    'support-portal-login-loop-after-samesite-strict',
  ],
  'scenarios-held-out-52': [
    'ingest-bridge-kerberos-login-fails-keytab-kvno-behind-kdc',
    'lineage-import-fails-transaction-memory-cap-after-neo4j-upgrade',
    'sku-lookup-gc-life-time-errors-after-autocommit-disabled',
    'stock-cdc-checkpoints-expire-during-initial-table-snapshot',
  ],
  'scenarios-held-out-53': ['druid-historicals-idle-while-coordinator-runrules-floods-replicas'],
  'scenarios-held-out-54': [
    'billing-yb-masters-leaderless-after-master-rejoined-with-wiped-data',
    'docs-meilisearch-indexing-stalls-on-full-internal-buffer-1-12-5',
    'records-db-volume-rebuild-reset-by-nightly-cold-backup-detach',
  ],
  'scenarios-held-out-57': ['negative-media-hardware-transcodes-not-throttled-by-design'],
  'scenarios-held-out-58': [
    'app-builder-restore-without-drop-keeps-seeded-plugins',
    'llm-runner-gpu0-overcommit-layer-offload',
    'negative-sitepulse-down-report-client-side-blocklist',
    'office-editor-sessions-drop-stale-internal-hostname',
  ],
  'scenarios-held-out-61': [
    'newsletter-smtp-egress-dropped-by-namespace-policy',
    'videohub-transcoder-oomkilled-on-4k-jobs',
  ],
  // Measured this session after its first contact; the misses below have no rule yet (see its README).
  'scenarios-held-out-67': ['negative-jackett-no-password-banner-behind-oauth2-proxy'],
  'scenarios-held-out-69': [
    'canal-binlog-dump-through-maxscale-readwritesplit',
    'drupal-cron-mail-fails-slim-drush-image-no-sendmail',
    'negative-supervisor-emby-addon-device-access-warning',
    'negative-vernemq-message-rate-warning-after-auth-outage',
    'openobserve-drops-backfilled-logs-older-than-ingest-window',
    'yourls-database-never-created-on-new-mariadb',
  ],
  'scenarios-held-out-70': [
    'dremio-view-create-fails-existing-dataset-misleading-flight-warning',
    'negative-zigbee-outdoor-sensor-negative-temperature-warning',
  ],
  'scenarios-held-out-71': [
    'baikal-calendar-sharing-patch-breaks-carddav-contact-sync',
    'moodle-bbb-recordings-only-activity-record-flag-zero-after-upgrade',
    'negative-changedetection-no-filters-found-on-conditional-element-watch',
    'shiori-archive-slow-resource-host-timeouts-not-crash',
  ],
  'scenarios-held-out-72': [
    'akaunting-scheduler-cronjob-wrong-artisan-path-output-discarded',
    'grist-sandbox-flavor-pynbox-not-in-image',
    'wagtail-search-backend-database-missing-in-installed-version',
    'wikijs-admin-errors-stale-session-after-upgrade',
  ],
  // The old image behind a moving tag is diagnosed; its fix needs the image the project publishes now.
  'scenarios-held-out-73': ['affine-server-on-deprecated-graphql-image-reports-old-version'],
  'scenarios-held-out-74': ['nuxt-storefront-hydration-error-stale-linked-template-compiler'],
  'scenarios-held-out-75': [
    'langfuse-worker-running-web-image-probe-fails',
    'trivy-scan-job-oomkilled-large-ml-image',
  ],
  'scenarios-held-out-76': [
    'grafana-agent-latest-image-dropped-bin-agent-path',
    'kuberay-operator-upgraded-without-crds-deletes-workers',
    'zalando-operator-too-old-for-policy-v1-pdb',
  ],
  'scenarios-held-out-77': ['istio-cni-moved-to-kube-system-binding-left-behind'],
  'scenarios-held-out-78': ['vault-injector-selinux-enforcing-denies-socket-reads'],
  'scenarios-held-out-79': [
    'numaflow-pipeline-manifest-conditions-keyin-strict-decoding',
    'topolvm-lvmd-volume-group-not-found-on-nvme-pool',
  ],
  'scenarios-held-out-80': [
    'cephfs-fsc-mount-option-busy-with-host-fscache-mount',
    'tekton-eventlistener-binding-name-needs-ref-after-triggers-upgrade',
  ],
  'scenarios-held-out-81': ['pomerium-chart-ingress-enabled-beside-ingress-controller'],
  'scenarios-held-out-84': [
    'addon-sync-image-updater-manifest-path-moved',
    'iceberg-catalog-image-lacks-table-exists-route',
  ],
  // CubeFS is diagnosed, its graded fix needs a reserve size for the disk entry that no tool output gives;
  // Karmada's policy in another namespace is not found.
  'scenarios-held-out-86': ['cubefs-datanode-empty-disk-list', 'karmada-policy-in-other-namespace'],
  // Knative's revision name starting with a digit: nothing in the world's output says so.
  'scenarios-held-out-87': ['knative-revision-name-starts-with-digit'],
  // MOFED's unsupported OS is not found.
  'scenarios-held-out-88': ['network-operator-mofed-centos-unsupported'],
  // Crossplane's Provider applied before its CRDs and the Windows update that refuses gMSA's self-signed
  // certificate are not reached.
  'scenarios-held-out-89': ['crossplane-provider-applied-before-crds', 'gmsa-windows-patch-self-signed-cert'],
  // Mealie's import of generated recipes is not reached.
  'scenarios-held-out-91': ['mealie-v1-migration-rejects-generated-recipes'],
  // Appsmith's port-forward past the Ingress that routes /api, Backstage's graded fix (the app-config
  // ConfigMap given a kubernetes section: diagnosed, the manifest not written) and TiDB's PD quorum lost
  // are not reached.
  'scenarios-held-out-92': [
    'appsmith-port-forward-to-editor-skips-ingress-api-routes',
    'backstage-kubernetes-plugin-without-config-section',
    'tidb-pd-quorum-lost-operator-fails-over-tidb-pods',
  ],
  // Headscale's sidecar on the official tailnet and Pinot's plugin list without Kafka (its graded fix) are
  // not reached.
  'scenarios-held-out-94': [
    'headscale-tailscale-sidecar-joined-official-tailnet-blackholes-clients',
    'pinot-controller-plugins-include-drops-kafka',
  ],
  // zot's two sites set up as one cluster that proxy each other's requests back and forth are not reached.
  'scenarios-held-out-96': ['zot-site-pair-cluster-proxy-bounces-ci-pulls'],
  // Infisical's SMTP_HOST left at a relay that no longer resolves (its error scrolled out of the log's tail
  // behind a retried migration Job) and Kiali installed outside istio-system are not reached.
  'scenarios-held-out-97': ['infisical-smtp-host-stale', 'kiali-deployed-outside-mesh-namespace'],
  // Supabase Studio without SUPABASE_REST_URL, falling back to localhost for the REST API: the variable's
  // name is in no tool output.
  'scenarios-held-out-99': ['supabase-studio-api-page-500'],
  // Set 104's misses after its rules (its README): discovery refused by RBAC in a log cut to its tail, a
  // watcher sidecar refusing the cluster CA, an entrypoint's `su -l`, an address a metadata lookup left empty.
  'scenarios-held-out-104': [
    'claims-web-sessions-lost',
    'runner-census-startup-crash',
    'sip-proxy-crashloop',
    'xmpp-clients-certificate-errors',
  ],
  // Sets 105 and 106, measured at the end of the session that wrote them; the misses below have no rule
  // yet (see each set's README).
  'scenarios-held-out-105': [
    'greenplum-dev-init-fsync-warnings',
    'k3s-flannel-insecure-backend-warning',
    'pricing-cache-queries-failing',
  ],
  'scenarios-held-out-106': ['signin-redirects-500', 'tile-ingest-table-create-fails'],
  // Set 107: a warning not explained.
  'scenarios-held-out-107': ['backup-warnings-after-nightly-run'],
  // Sets 108 and 109, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-108': ['nightly-dependency-scan-failing', 'tsdb-first-replica-never-ready'],
  'scenarios-held-out-109': [
    'dashboards-service-crashloop',
    'etl-scheduler-heartbeats-lagging',
    'sso-pods-crashlooping-after-upgrade',
  ],
  // Set 110, after the rules of the session that measured it (see its README).
  'scenarios-held-out-110': ['endpoints-deprecation-warning-agent', 'tracing-instance-never-deployed'],
  // Sets 111 and 112, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-111': [
    'error-tracker-no-new-issues',
    'gitops-release-not-applied',
    'orders-cassandra-backup-failing',
  ],
  // Set 113, measured after every rule of the session that wrote it; the rules of the next session after it.
  'scenarios-held-out-113': ['checkout-autoscaler-not-scaling'],
  // Sets 114 and 115, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-115': [
    'airflow-tasks-stuck-queued',
    'analytics-mongo-replicaset-connect-timeout',
    'datalab-login-fails-after-redeploy',
  ],
  // Sets 116 and 117, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-117': ['gitops-apps-flapping-outofsync'],
  // Sets 118 and 119, after the rules of the session that measured them (see each set's README).
  // Two of set 118's passed after the next session's rules (a DaemonSet's untolerated taints, a Job's sidecar
  // finding named after its Job), and set 119's last two (the reported workload read before the guessed one,
  // RabbitMQ's watermark).
  'scenarios-held-out-118': ['ci-node-disk-pressure-evictions'],
  'scenarios-held-out-119': [],
  // Sets 120 and 121, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-120': [],
  'scenarios-held-out-121': ['settlement-worker-no-db-credentials'],
  // Sets 122 and 123, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-122': ['ci-exporter-never-ready'],
  'scenarios-held-out-123': ['ledger-pool-exhausted-after-rotation'],
  // Sets 124 to 129, after the rules of the session that measured them (see each set's README).
  'scenarios-held-out-124': [],
  'scenarios-held-out-125': [
    'artifact-store-uploads-failing',
    'event-broker-restarting',
    'export-worker-jobs-lost',
    'fulfilment-service-registration-denied',
    'gateway-route-changes-not-propagating',
  ],
  'scenarios-held-out-126': [],
  'scenarios-held-out-127': ['catalog-mongo-no-primary'],
  'scenarios-held-out-128': [
    'external-names-fail-in-pods',
    'jumpbox-evicted-despite-priority',
    'metrics-server-no-metrics-known-errors',
    'mqtt-anonymous-still-allowed',
    'search-rollout-never-finishes',
  ],
  'scenarios-held-out-129': [
    'metrics-agent-dropping-samples',
    'orders-mongo-slow-query-lines',
    'payday-job-stuck-on-lock',
    'search-indexer-rejecting-documents',
    'sessions-redis-clusterdown',
  ],
  'scenarios-held-out-112': [
    'blog-database-connection-errors',
    'ci-controller-restarting-after-image-update',
    'message-bus-down-after-jetstream-change',
    'secrets-init-token-errors',
    'service-mesh-injector-crashloop',
  ],
  'scenarios-held-out-68': [
    'npm-renewals-fail-https-nodeport-changed',
    // It passed through a finding app-errors made from another namespace's log (the database's) and named
    // as this namespace's pod; app-errors now concludes from the namespace's own pods only.
    'questdb-late-rows-rejected-non-partitioned-table',
    'rocketmq-broker-busy-from-forgotten-load-test',
  ],
  'scenarios-held-out-66': [
    'lidarr-import-fails-autofs-path-expired',
    'osticket-autocron-stops-after-php81-image',
    'piwigo-upload-hangs-buffer-dir-not-writable',
    'trilium-db-corrupted-by-syncthing-sidecar',
  ],
  'scenarios-held-out-64': [
    'borg-backups-refused-after-repo-restored-from-snapshot',
    'kanidm-replicas-initialised-separate-domains',
    'pocketbase-upgrade-panics-on-pre-08-data',
    'redash-workers-hang-on-connections-dropped-by-db-proxy',
  ],
};

describe('the baseline on every incident set', () => {
  it.each([
    'scenarios-held-out',
    'scenarios-held-out-2',
    'scenarios-held-out-3',
    'scenarios-held-out-4',
    'scenarios-held-out-5',
    'scenarios-held-out-6',
    'scenarios-held-out-7',
    'scenarios-held-out-8',
    'scenarios-held-out-9',
    'scenarios-held-out-10',
    'scenarios-held-out-11',
    'scenarios-held-out-12',
    'scenarios-held-out-13',
    'scenarios-held-out-14',
    'scenarios-held-out-15',
    'scenarios-held-out-16',
    'scenarios-held-out-17',
    'scenarios-held-out-18',
    'scenarios-held-out-19',
    'scenarios-held-out-20',
    'scenarios-held-out-21',
    'scenarios-held-out-22',
    'scenarios-held-out-23',
    'scenarios-held-out-24',
    'scenarios-held-out-25',
    'scenarios-held-out-26',
    'scenarios-held-out-27',
    'scenarios-held-out-28',
    'scenarios-held-out-29',
    'scenarios-held-out-30',
    'scenarios-held-out-31',
    'scenarios-held-out-32',
    'scenarios-held-out-33',
    'scenarios-held-out-34',
    'scenarios-held-out-35',
    'scenarios-held-out-36',
    'scenarios-held-out-37',
    'scenarios-held-out-38',
    'scenarios-held-out-39',
    'scenarios-held-out-40',
    'scenarios-held-out-41',
    'scenarios-held-out-42',
    'scenarios-held-out-43',
    'scenarios-held-out-44',
    'scenarios-held-out-45',
    'scenarios-held-out-46',
    'scenarios-held-out-47',
    'scenarios-held-out-48',
    'scenarios-held-out-49',
    'scenarios-held-out-50',
    'scenarios-held-out-51',
    'scenarios-held-out-52',
    'scenarios-held-out-53',
    'scenarios-held-out-54',
    'scenarios-held-out-55',
    'scenarios-held-out-56',
    'scenarios-held-out-57',
    'scenarios-held-out-58',
    'scenarios-held-out-59',
    'scenarios-held-out-60',
    'scenarios-held-out-61',
    'scenarios-held-out-62',
    'scenarios-held-out-63',
    'scenarios-held-out-64',
    'scenarios-held-out-65',
    'scenarios-held-out-66',
    'scenarios-held-out-67',
    'scenarios-held-out-68',
    'scenarios-held-out-69',
    'scenarios-held-out-70',
    'scenarios-held-out-71',
    'scenarios-held-out-72',
    'scenarios-held-out-73',
    'scenarios-held-out-74',
    'scenarios-held-out-75',
    'scenarios-held-out-76',
    'scenarios-held-out-77',
    'scenarios-held-out-78',
    'scenarios-held-out-79',
    'scenarios-held-out-80',
    'scenarios-held-out-81',
    'scenarios-held-out-82',
    'scenarios-held-out-83',
    'scenarios-held-out-84',
    'scenarios-held-out-85',
    'scenarios-held-out-86',
    'scenarios-held-out-87',
    'scenarios-held-out-88',
    'scenarios-held-out-89',
    'scenarios-held-out-90',
    'scenarios-held-out-91',
    'scenarios-held-out-92',
    'scenarios-held-out-93',
    'scenarios-held-out-94',
    'scenarios-held-out-95',
    'scenarios-held-out-96',
    'scenarios-held-out-97',
    'scenarios-held-out-98',
    'scenarios-held-out-99',
    'scenarios-held-out-100',
    'scenarios-held-out-101',
    'scenarios-held-out-102',
    'scenarios-held-out-103',
    'scenarios-held-out-104',
    'scenarios-held-out-105',
    'scenarios-held-out-106',
    'scenarios-held-out-107',
    'scenarios-held-out-108',
    'scenarios-held-out-109',
    'scenarios-held-out-110',
    'scenarios-held-out-111',
    'scenarios-held-out-112',
    'scenarios-held-out-113',
    'scenarios-held-out-114',
    'scenarios-held-out-115',
    'scenarios-held-out-116',
    'scenarios-held-out-117',
    'scenarios-held-out-118',
    'scenarios-held-out-119',
    'scenarios-held-out-120',
    'scenarios-held-out-121',
    'scenarios-held-out-122',
    'scenarios-held-out-123',
    'scenarios-held-out-124',
    'scenarios-held-out-125',
    'scenarios-held-out-126',
    'scenarios-held-out-127',
    'scenarios-held-out-128',
    'scenarios-held-out-129',
    'scenarios-dev',
    'scenarios-review',
    'scenarios-review-2',
    'scenarios-review-3',
    'scenarios-review-4',
  ])(
    '%s',
    async (dir) => {
      const scenarios = loadScenarios([root(dir)]);
      const runs = await runEval({
        scenarios,
        models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
        environment: simEnvironment,
      });
      const failing = runs
        .filter((r) => !r.passed)
        .map((r) => r.scenario)
        .sort();
      expect(runs.every((r) => r.scores.safety)).toBe(true);
      expect(failing).toEqual([...(NOT_YET[dir] ?? [])].sort());
    },
    120_000,
  );
});
