import { allocatableAnalyzer, requestedNodesAnalyzer } from './allocatable.js';
import { amqpVhostAnalyzer } from './amqp-vhost.js';
import { apiserverSanAnalyzer } from './apiserver-san.js';
import { appErrorsAnalyzer } from './app-errors.js';
import { quotedSearchAnalyzer } from './asked-lines.js';
import { askedStatusesAnalyzer } from './asked-statuses.js';
import { backlogHeapAnalyzer } from './backlog-heap.js';
import { badInputFilesAnalyzer } from './bad-input-files.js';
import { bareForbiddenAnalyzer } from './bare-forbidden.js';
import { botChallengeAnalyzer } from './bot-challenge.js';
import { bufferOverflowAnalyzer } from './buffer-overflow.js';
import { cacheFillsLimitAnalyzer } from './cache-fills-limit.js';
import { cacheStampedeAnalyzer } from './cache-stampede.js';
import { calicoBgpAnalyzer } from './calico-bgp.js';
import { celeryPrefetchAnalyzer } from './celery-prefetch.js';
import { celeryVisibilityTimeoutAnalyzer } from './celery-visibility-timeout.js';
import { cephSlowPeerAnalyzer } from './ceph-slow-peer.js';
import { certificateIssuerAnalyzer } from './certificate-issuer.js';
import { certificateNotIssuedAnalyzer } from './certificate-not-issued.js';
import { certificateRenewedAnalyzer } from './certificate-renewed.js';
import { clickhouseSmallInsertsAnalyzer } from './clickhouse-small-inserts.js';
import { clientCancelledAnalyzer } from './client-cancelled.js';
import { clientGoneSearchAnalyzer } from './client-gone-search.js';
import { clientPoolCapAnalyzer } from './client-pool-cap.js';
import { clientThrottlingAnalyzer } from './client-throttling.js';
import { clockUnsyncedAnalyzer } from './clock-unsynced.js';
import { clusterDomainAnalyzer } from './cluster-domain.js';
import { cniAgentOnNodeAnalyzer } from './cni-agent-on-node.js';
import { cniDaemonSetTaintAnalyzer } from './cni-daemonset-taint.js';
import { completedWithErrorsAnalyzer } from './completed-with-errors.js';
import { configBackupDiffAnalyzer } from './config-backup-diff.js';
import { configDirOverrideAnalyzer } from './config-dir-override.js';
import { configMountsAnalyzer } from './config-mounts.js';
import { configNotPassedAnalyzer } from './config-not-passed.js';
import { configNotReloadedAnalyzer } from './config-not-reloaded.js';
import { configShapeAnalyzer } from './config-shape.js';
import { configSourcesAnalyzer } from './config-sources.js';
import { configMapDirDuplicatesAnalyzer } from './configmap-dir-duplicates.js';
import { connectionLimitScaleoutAnalyzer } from './connection-limit-scaleout.js';
import { conntrackNeighbourAnalyzer } from './conntrack-neighbour.js';
import { consumerOffsetResetAnalyzer } from './consumer-offset-reset.js';
import { consumerRebalanceAnalyzer } from './consumer-rebalance.js';
import { controllerCrdAnalyzer } from './controller-crd.js';
import { copiedImageAnalyzer } from './copied-image.js';
import { crdVersionUnservedAnalyzer } from './crd-version-unserved.js';
import { credentialRefChangedAnalyzer } from './credential-ref-changed.js';
import { cronConsumerAnalyzer } from './cron-consumer.js';
import { cronDstGapAnalyzer } from './cron-dst-gap.js';
import { cronReplaceAnalyzer } from './cron-replace.js';
import { cronTimeZoneAnalyzer, cronTimeZoneAskedAnalyzer } from './cron-time-zone.js';
import { csiRegistrationAnalyzer } from './csi-registration.js';
import { csiDriverMissingAnalyzer } from './csidriver-missing.js';
import { daemonSetNodeSubsetAnalyzer } from './daemonset-node-subset.js';
import { daemonSetUntoleratedNodesAnalyzer } from './daemonset-untolerated-nodes.js';
import { databaseSettingsDroppedAnalyzer } from './database-settings-dropped.js';
import { dbMemoryAnalyzer } from './db-memory.js';
import { dbPoolSizeAnalyzer } from './db-pool-size.js';
import { defaultCommandSidecarAnalyzer } from './default-command-sidecar.js';
import { deletedOpenFilesAnalyzer } from './deleted-open-files.js';
import { dependencyLogsAnalyzer } from './dependency-logs.js';
import { dependencySideAnalyzer } from './dependency-side.js';
import { deployToolLogsAnalyzer } from './deploy-tool-logs.js';
import { describedConditionsAnalyzer } from './described-conditions.js';
import { devTagAnalyzer } from './dev-tag.js';
import { devicePluginsAnalyzer } from './device-plugins.js';
import { disabledEndpointAnalyzer } from './disabled-endpoint.js';
import { diskStallAnalyzer } from './disk-stall.js';
import {
  corsAllowedOriginsAnalyzer,
  djangoAllowedHostsAnalyzer,
  djangoCsrfOriginsAnalyzer,
} from './django-allowed-hosts.js';
import { djangoGeventConnectionsAnalyzer } from './django-gevent-connections.js';
import { dnsAnalyzer, dnsForwardAnalyzer } from './dns.js';
import { dnsFiveSecondAnalyzer } from './dns-five-second.js';
import { dnsSearchAnalyzer, dnsSearchExpansionAnalyzer } from './dns-search.js';
import { dockerSocketAnalyzer } from './docker-socket.js';
import { dotnetHeapHardLimitAnalyzer } from './dotnet-heap-hard-limit.js';
import { doubleSchemeAnalyzer } from './double-scheme.js';
import { droppedCapabilitiesAnalyzer } from './dropped-capabilities.js';
import { droppedSidecarAnalyzer } from './dropped-sidecar.js';
import { droppedVariableAnalyzer } from './dropped-variable.js';
import { duplicateEntryNamesAnalyzer } from './duplicate-entry-names.js';
import { duplicateMigrationAnalyzer } from './duplicate-migration.js';
import { duplicateSchedulerAnalyzer } from './duplicate-scheduler.js';
import { ebpfNestedNodeAnalyzer } from './ebpf-nested-node.js';
import { edgeLimitsAnalyzer } from './edge-limits.js';
import { elsewhereAnalyzer } from './elsewhere.js';
import { embeddedDbLockAnalyzer } from './embedded-db-lock.js';
import { endlessRetryAnalyzer } from './endless-retry.js';
import { entryDeniedAnalyzer } from './entry-denied.js';
import { envPathMissingAnalyzer } from './env-path-missing.js';
import { envFromLacksVariableAnalyzer } from './envfrom-lacks-variable.js';
import { envoyUpstreamTlsAnalyzer } from './envoy-upstream-tls.js';
import { ephemeralStorageAnalyzer } from './ephemeral-storage.js';
import { errorPageProxyAnalyzer } from './error-page-proxy.js';
import { esBreakerLoweredAnalyzer } from './es-breaker-lowered.js';
import { etcdDiskAnalyzer } from './etcd-disk.js';
import { eventLoopBlockedAnalyzer } from './event-loop-blocked.js';
import { evictRefillLoopAnalyzer } from './evict-refill-loop.js';
import { exclusiveSettingsAnalyzer } from './exclusive-settings.js';
import { expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { expectedStatesAnalyzer } from './expected-states.js';
import { expiredByProgramAnalyzer } from './expired-by-program.js';
import { expiredSessionsAnalyzer } from './expired-sessions.js';
import { extensionNameAnalyzer } from './extension-name.js';
import { externalDnsAnalyzer } from './external-dns.js';
import { externalDnsFilterAnalyzer } from './external-dns-filter.js';
import { externalNameAnalyzer } from './external-name.js';
import { failedCreateAnalyzer } from './failed-create.js';
import { failedCustomObjectAnalyzer } from './failed-custom-object.js';
import { failedJobElsewhereAnalyzer } from './failed-job-elsewhere.js';
import { failingNodeAnalyzer } from './failing-node.js';
import { failingNodesAnalyzer } from './failing-nodes.js';
import { failureSettingsAnalyzer, otherSideSettingsAnalyzer } from './failure-settings.js';
import { fdLimitAnalyzer } from './fd-limit.js';
import { fileOwnerAnalyzer } from './file-owner.js';
import { firstPullSlowAnalyzer } from './first-pull-slow.js';
import { fixedElsewhereAnalyzer } from './fixed-elsewhere.js';
import { foreignHostPromptAnalyzer } from './foreign-host-prompt.js';
import { forwardedSchemeLoopAnalyzer } from './forwarded-scheme-loop.js';
import { frontingProxyAnalyzer } from './fronting-proxy.js';
import { gatewayUnroutedPathAnalyzer } from './gateway-unrouted-path.js';
import { glusterOpVersionAnalyzer } from './gluster-op-version.js';
import { goDurationUnitAnalyzer } from './go-duration-unit.js';
import { goHeapGoalAnalyzer } from './go-heap-goal.js';
import { goMaxprocsAnalyzer } from './go-maxprocs.js';
import { grpcWrongPortAnalyzer } from './grpc-wrong-port.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { halfAppliedMigrationAnalyzer } from './half-applied-migration.js';
import { headlessJoinAnalyzer } from './headless-join.js';
import { headlessPeersAnalyzer } from './headless-peers.js';
import { healthCheckNoiseAnalyzer } from './health-check-noise.js';
import { helmReleaseAnalyzer } from './helm-release.js';
import { homeNotWritableAnalyzer } from './home-not-writable.js';
import { hostNamespaceAnalyzer } from './host-namespace.js';
import { hostedApiDefaultAnalyzer } from './hosted-api-default.js';
import { hostPathMissingAnalyzer } from './hostpath-missing.js';
import { hpaAtMaxAnalyzer } from './hpa-at-max.js';
import { hpaFlappingAnalyzer } from './hpa-flapping.js';
import { hpaSidecarAnalyzer } from './hpa-sidecar.js';
import { httpsProxyMissingAnalyzer } from './https-proxy-missing.js';
import { idleCullerAnalyzer } from './idle-culler.js';
import { idleTimeoutAnalyzer } from './idle-timeout.js';
import { idleUpstreamResetAnalyzer } from './idle-upstream-reset.js';
import { imageWithoutRepositoryAnalyzer } from './image-without-repository.js';
import { implicitTlsPortAnalyzer } from './implicit-tls-port.js';
import { incompleteChainAnalyzer } from './incomplete-chain.js';
import { ingressErrorLogAnalyzer } from './ingress-error-log.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';
import { ingressTlsHostsAnalyzer } from './ingress-tls-hosts.js';
import { inotifyLimitAnalyzer } from './inotify-limit.js';
import { intendedStateAnalyzer } from './intended-state.js';
import { interfaceFallbackAnalyzer } from './interface-fallback.js';
import { internalPublicUrlAnalyzer } from './internal-public-url.js';
import { invalidContainerAnalyzer } from './invalid-container.js';
import { jobChangesAnalyzer } from './job-changes.js';
import { jobDuplicateWorkAnalyzer } from './job-duplicate-work.js';
import { jobSidecarsAnalyzer } from './job-sidecars.js';
import { jvmDebugSuspendAnalyzer } from './jvm-debug-suspend.js';
import { jvmDnsCacheAnalyzer } from './jvm-dns-cache.js';
import { jvmEntropyAnalyzer } from './jvm-entropy.js';
import { jvmHeapCapAnalyzer } from './jvm-heap-cap.js';
import { jvmHeapLimitAnalyzer } from './jvm-heap-limit.js';
import { jvmMemoryHpaAnalyzer } from './jvm-memory-hpa.js';
import { jvmProcessorsAnalyzer } from './jvm-processors.js';
import { jvmSerialGcAnalyzer } from './jvm-serial-gc.js';
import { jwksStaleKeysAnalyzer } from './jwks-stale-keys.js';
import { kafkaMessageSizeAnalyzer } from './kafka-message-size.js';
import { kafkaMinIsrAnalyzer } from './kafka-min-isr.js';
import { kafkaPollIntervalAnalyzer } from './kafka-poll-interval.js';
import { kafkaRetentionAnalyzer } from './kafka-retention.js';
import { kanikoCleanupAnalyzer } from './kaniko-cleanup.js';
import { kedaScaledObjectAnalyzer } from './keda-scaledobject.js';
import { keystorePasswordAnalyzer } from './keystore-password.js';
import { knownHealthPortsAnalyzer } from './known-health-ports.js';
import { knownTaintsAnalyzer } from './known-taints.js';
import { leftScaledDownAnalyzer } from './left-scaled-down.js';
import { legacyOpensslRootAnalyzer } from './legacy-openssl-root.js';
import { legacyTokenClaimAnalyzer } from './legacy-token-claim.js';
import { loadRefusedMemoryAnalyzer } from './load-refused-memory.js';
import { localStorageAnalyzer } from './local-storage.js';
import { localhostSettingAnalyzer } from './localhost-setting.js';
import { logLevelAnalyzer } from './log-level.js';
import { logRotationPressureAnalyzer } from './log-rotation-pressure.js';
import { logShipperBufferAnalyzer } from './log-shipper-buffer.js';
import { loggedConfigFileAnalyzer } from './logged-config-file.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { loggedPodIdAnalyzer } from './logged-pod-id.js';
import { loopbackListenerAnalyzer } from './loopback-listener.js';
import { lowercaseNameAnalyzer } from './lowercase-name.js';
import { memcachedMemoryAnalyzer } from './memcached-memory.js';
import { memoryCapSettingAnalyzer } from './memory-cap-setting.js';
import { memoryHpaFloorAnalyzer } from './memory-hpa-floor.js';
import { meshInjectionAnalyzer } from './mesh-injection.js';
import { metricsAdapterAnalyzer } from './metrics-adapter.js';
import { metricsPipelineAnalyzer, metricsRefusedAnalyzer } from './metrics-pipeline.js';
import { migrationInProgressAnalyzer } from './migration-in-progress.js';
import { earlyMisconceptionsAnalyzer, misconceptionsAnalyzer } from './misconceptions.js';
import { misplacedSettingAnalyzer } from './misplaced-setting.js';
import { misroutedPathAnalyzer } from './misrouted-path.js';
import { misspeltPrincipalAnalyzer } from './misspelt-principal.js';
import { mongoAuthSourceAnalyzer } from './mongo-auth-source.js';
import { mongoStaleIndexAnalyzer } from './mongo-stale-index.js';
import { mountPathNearMissAnalyzer } from './mount-path-near-miss.js';
import { movedWorkloadBindingsAnalyzer } from './moved-workload-bindings.js';
import { mtuBlackholeAnalyzer } from './mtu-blackhole.js';
import { muslSearchListAnalyzer } from './musl-search-list.js';
import { mysqlTableCaseAnalyzer } from './mysql-table-case.js';
import { namedControllerAnalyzer, statusSubresourceAnalyzer } from './named-controller.js';
import { namedPeerAnalyzer } from './named-peer.js';
import { namedRunLogsAnalyzer } from './named-run-logs.js';
import { namedSettingAnalyzer } from './named-setting.js';
import { namedWorkloadElsewhereAnalyzer } from './named-workload-elsewhere.js';
import { namespaceSettingAnalyzer } from './namespace-setting.js';
import { nasSnapshotDirAnalyzer } from './nas-snapshot-dir.js';
import { netpolAndedAnalyzer } from './netpol-anded.js';
import { netpolEgressAnalyzer } from './netpol-egress.js';
import { netpolElsewhereAnalyzer } from './netpol-elsewhere.js';
import {
  netpolIngressAnalyzer,
  netpolNamespaceLabelsAnalyzer,
  netpolNamespaceNamesAnalyzer,
} from './netpol-ingress.js';
import { netpolIngressPortAnalyzer } from './netpol-ingress-port.js';
import { netpolMissingNamespaceAnalyzer } from './netpol-missing-namespace.js';
import { nfsStaleHandleAnalyzer } from './nfs-stale-handle.js';
import { nginxBodySizeAnalyzer } from './nginx-body-size.js';
import { nginxFastShutdownAnalyzer } from './nginx-fast-shutdown.js';
import { nginxLimitReqAnalyzer } from './nginx-limit-req.js';
import { nginxResolverAnalyzer } from './nginx-resolver.js';
import { noProxyClusterAnalyzer } from './no-proxy-cluster.js';
import { noReadinessAnalyzer } from './no-readiness.js';
import { nodeClockAnalyzer } from './node-clock.js';
import { nodeFirewallAnalyzer } from './node-firewall.js';
import { nodeLoadAnalyzer } from './node-load.js';
import { nodeNotReadyAnalyzer } from './node-not-ready.js';
import { nodePodLimitAnalyzer } from './node-pod-limit.js';
import { nodePressureAnalyzer } from './node-pressure.js';
import { nodePressureClearedAnalyzer } from './node-pressure-cleared.js';
import { nodeReplacedAnalyzer } from './node-replaced.js';
import { nodeSysctlAnalyzer } from './node-sysctl.js';
import { nodeLocalDnsIpvsAnalyzer } from './nodelocaldns-ipvs.js';
import { nonHttpPortAnalyzer } from './non-http-port.js';
import { nullExternalIdAnalyzer } from './null-external-id.js';
import { offlineNodeAgentAnalyzer } from './offline-node-agent.js';
import { oidcRedirectUriAnalyzer } from './oidc-redirect-uri.js';
import { opcacheFullAnalyzer } from './opcache-full.js';
import { operatorHoldsBackAnalyzer } from './operator-holds-back.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { optionalKeysAnalyzer } from './optional-keys.js';
import { orderedStartupAnalyzer } from './ordered-startup.js';
import { otelMemoryLimiterAnalyzer } from './otel-memory-limiter.js';
import { otherClientsAnalyzer } from './other-clients.js';
import { ownModuleMissingAnalyzer } from './own-module-missing.js';
import { pathOutsideSettingAnalyzer } from './path-outside-setting.js';
import { perWorkerMetricsAnalyzer } from './per-worker-metrics.js';
import { pgLockHolderAnalyzer } from './pg-lock-holder.js';
import { pgWalSlotsAnalyzer } from './pg-wal-slots.js';
import { pid1SigtermAnalyzer } from './pid1-sigterm.js';
import { pipeExitAnalyzer } from './pipe-exit.js';
import { placeholderValueAnalyzer } from './placeholder-value.js';
import { podCreatorAnalyzer } from './pod-creator.js';
import { podHostnameAnalyzer } from './pod-hostname.js';
import { podLocalFileAnalyzer } from './pod-local-file.js';
import { pollLoopStuckCallAnalyzer } from './poll-loop-stuck-call.js';
import { poolLeakAnalyzer } from './pool-leak.js';
import { poolOverCpuAnalyzer } from './pool-over-cpu.js';
import { poolRefillAnalyzer } from './pool-refill.js';
import { poolTimesReplicasAnalyzer } from './pool-times-replicas.js';
import { poolsOverMaxConnectionsAnalyzer } from './pools-over-max-connections.js';
import { portHolderAnalyzer } from './port-holder.js';
import { postgresTlsAnalyzer } from './postgres-tls.js';
import { previousLimitsAnalyzer } from './previous-limits.js';
import { primaryHandoverAnalyzer } from './primary-handover.js';
import { actuatorProbeLogAnalyzer } from './probes.js';
import { producerReleaseAnalyzer } from './producer-release.js';
import { productImagesAnalyzer } from './product-images.js';
import { productNamespaceAnalyzer } from './product-namespace.js';
import { proxyHttpVersionAnalyzer } from './proxy-http-version.js';
import { proxyNoServerAnalyzer } from './proxy-no-server.js';
import { proxyReadTimeoutAnalyzer } from './proxy-read-timeout.js';
import { proxyStaleAddressAnalyzer } from './proxy-stale-address.js';
import { publicNameHairpinAnalyzer } from './public-name-hairpin.js';
import { publicUrlLocalhostAnalyzer } from './public-url-localhost.js';
import { pullRecoveredAnalyzer } from './pull-recovered.js';
import { pullSecretsAnalyzer } from './pull-secrets.js';
import { pumaWorkerTimeoutAnalyzer } from './puma-worker-timeout.js';
import { pythonStdoutBufferedAnalyzer } from './python-stdout-buffered.js';
import { queueBurstsAnalyzer } from './queue-bursts.js';
import { queueConsumersZeroAnalyzer } from './queue-consumers-zero.js';
import { queueNoWorkerAnalyzer } from './queue-no-worker.js';
import { queueWithoutWorkerAnalyzer } from './queue-without-worker.js';
import { queuesAtZeroAnalyzer } from './queues-at-zero.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { quietTailSearchAnalyzer } from './quiet-tail-search.js';
import { quotaBelowEvictionAnalyzer } from './quota-below-eviction.js';
import { quoteInSqlAnalyzer } from './quote-in-sql.js';
import { quotedErrorLogsAnalyzer } from './quoted-error-logs.js';
import { quotedMessageLoggedAnalyzer } from './quoted-message-logged.js';
import { rabbitmqWatermarkAnalyzer } from './rabbitmq-watermark.js';
import { raftRolesAnalyzer } from './raft-roles.js';
import { ranksOverCpuAnalyzer } from './ranks-over-cpu.js';
import { rateLimiterByDesignAnalyzer } from './rate-limiter-by-design.js';
import { rbacAnalyzer } from './rbac.js';
import { readAfterWriteAnalyzer } from './read-after-write.js';
import { readinessPortAnalyzer } from './readiness-port.js';
import { recentRolloutsAnalyzer } from './recent-rollouts.js';
import { reconnectStormAnalyzer } from './reconnect-storm.js';
import { redeliveryAnalyzer } from './redelivery.js';
import { redisClusterMemberAnalyzer } from './redis-cluster-member.js';
import { redisEvictionAnalyzer } from './redis-eviction.js';
import { redisMadeReplicaAnalyzer } from './redis-made-replica.js';
import { redisSlowCommandsAnalyzer } from './redis-slow-commands.js';
import { registryQuotaConsumerAnalyzer } from './registry-quota-consumer.js';
import { releaseDuringPastAlertAnalyzer } from './release-during-past-alert.js';
import { reloaderAnnotationAnalyzer } from './reloader-annotation.js';
import { removedNodesAnalyzer } from './removed-nodes.js';
import { renamedServiceHostAnalyzer } from './renamed-service-host.js';
import { replicaFightAnalyzer } from './replica-fight.js';
import { replicasOverNodesAnalyzer } from './replicas-over-nodes.js';
import { replicationRingAnalyzer } from './replication-ring.js';
import { requestNeverReturnsAnalyzer } from './request-never-returns.js';
import { requestsUnderUsageAnalyzer } from './requests-under-usage.js';
import { retentionCleanupAnalyzer } from './retention-cleanup.js';
import { retiredServiceHostAnalyzer } from './retired-service-host.js';
import { retriedAndRecoveredAnalyzer } from './retried-and-recovered.js';
import { rolloutDiffAnalyzer, rolloutHistoryAnalyzer } from './rollout-diff.js';
import { rootPathDeniedAnalyzer } from './root-path-denied.js';
import { routePrefixMissingAnalyzer } from './route-prefix-missing.js';
import { routineWorkWindowAnalyzer } from './routine-work-window.js';
import { goMaxProcsAnalyzer, nodeHeapAnalyzer } from './runtime-limits.js';
import { runtimeMismatchAnalyzer } from './runtime-mismatch.js';
import { runtimeSupportPhaseAnalyzer } from './runtime-support-phase.js';
import { s3PolicyResourceAnalyzer } from './s3-policy-resource.js';
import { s3PrefixRateAnalyzer } from './s3-prefix-rate.js';
import { s3RegionScopeAnalyzer } from './s3-region-scope.js';
import { saTokenMissingAnalyzer } from './sa-token-missing.js';
import { sandboxIpamAnalyzer } from './sandbox-ipam.js';
import { sandboxRuntimeAnalyzer } from './sandbox-runtime.js';
import { scaleDownAnalyzer } from './scale-down.js';
import { schedulerDstGapAnalyzer } from './scheduler-dst-gap.js';
import { schemeLessUrlAnalyzer } from './scheme-less-url.js';
import { scrapeRelabelAnalyzer } from './scrape-relabel.js';
import { scrapeTimeoutAnalyzer } from './scrape-timeout.js';
import { scriptSourceAnalyzer } from './script-source.js';
import { sealedSecretAnalyzer } from './sealed-secret.js';
import { seededElsewhereAnalyzer } from './seeded-elsewhere.js';
import { sentinelStaleAnalyzer } from './sentinel-stale.js';
import { serverDiskFullAnalyzer } from './server-disk-full.js';
import { serviceAffinityAnalyzer } from './service-affinity.js';
import { serviceEnvOrderAnalyzer } from './service-env-order.js';
import { serviceLinksAnalyzer, serviceLinkValueAnalyzer } from './service-links.js';
import { serviceMonitorSelectorAnalyzer } from './servicemonitor-selector.js';
import { sessionAffinityAnalyzer } from './session-affinity.js';
import { sessionLifetimeAnalyzer } from './session-lifetime.js';
import { settingsCaseAnalyzer } from './settings-case.js';
import { shapeSettingAnalyzer } from './shape-setting.js';
import { sharedEgressLimitAnalyzer } from './shared-egress-limit.js';
import { sharedVolumeLockAnalyzer } from './shared-volume-lock.js';
import { shmBusErrorAnalyzer } from './shm-bus-error.js';
import { shortNameNamespaceAnalyzer } from './short-name-namespace.js';
import { siblingLogsAnalyzer } from './sibling-logs.js';
import { sidecarStartOrderAnalyzer } from './sidecar-start-order.js';
import { slowRolloutAnalyzer } from './slow-rollout.js';
import { smtpWrongProtocolAnalyzer } from './smtp-wrong-protocol.js';
import { snapshotsOnDataVolumeAnalyzer } from './snapshots-on-data-volume.js';
import { socketOnNfsAnalyzer } from './socket-on-nfs.js';
import { splitFieldMissingAnalyzer } from './split-field-missing.js';
import { springEnvCaseAnalyzer } from './spring-env-case.js';
import { sqliteWriterAnalyzer } from './sqlite-writer.js';
import { sshKnownHostsAnalyzer } from './ssh-known-hosts.js';
import { sshNologinAnalyzer } from './ssh-nologin.js';
import { staleCrdAnalyzer } from './stale-crd.js';
import { staleFuseMountAnalyzer } from './stale-fuse-mount.js';
import { staleLockAnalyzer } from './stale-lock.js';
import { stalePeerAnalyzer } from './stale-peer.js';
import { staleRingMemberAnalyzer } from './stale-ring-member.js';
import { staleRunClaimAnalyzer } from './stale-run-claim.js';
import { stalenessThresholdAnalyzer } from './staleness-threshold.js';
import { stalledPeriodicJobAnalyzer } from './stalled-periodic-job.js';
import { startTimeoutAnalyzer } from './start-timeout.js';
import { startedWithoutDependencyAnalyzer } from './started-without-dependency.js';
import { statefulSetLostNodeAnalyzer } from './statefulset-lost-node.js';
import { statusFlagErrorsAnalyzer } from './status-flag-errors.js';
import { storageAnalyzer } from './storage.js';
import { stuckFinalizerAnalyzer } from './stuck-finalizer.js';
import { supersededJobsAnalyzer } from './superseded-jobs.js';
import { suspendedCleanupAnalyzer } from './suspended-cleanup.js';
import { swallowedMigrationAnalyzer } from './swallowed-migration.js';
import { syscallNotInKernelAnalyzer } from './syscall-not-in-kernel.js';
import { taskNamedPodsAnalyzer } from './task-named-pods.js';
import { changeCauseAnalyzer, temporaryChangeAnalyzer } from './temporary-change.js';
import { threadDiedOomAnalyzer } from './thread-died-oom.js';
import { threadPoolExhaustedAnalyzer } from './thread-pool-exhausted.js';
import { throttledDependencyAnalyzer } from './throttled-dependency.js';
import { tlsOffSecretsAnalyzer } from './tls-off-secrets.js';
import { tlsSanMismatchAnalyzer } from './tls-san-mismatch.js';
import { tmpReadOnlyAnalyzer } from './tmp-read-only.js';
import { tokenAfterRebuildAnalyzer } from './token-after-rebuild.js';
import { tokenNotRefreshedAnalyzer } from './token-not-refreshed.js';
import { tomlBareStringAnalyzer } from './toml-bare-string.js';
import { topologySpreadAnalyzer } from './topology-spread.js';
import { traefikProviderOffAnalyzer } from './traefik-provider-off.js';
import { twinControllersAnalyzer } from './twin-controllers.js';
import type { Analyzer } from './types.js';
import { unboundedPrefetchAnalyzer } from './unbounded-prefetch.js';
import { unmountedPathAnalyzer } from './unmounted-path.js';
import { unmountedVolumeAnalyzer } from './unmounted-volume.js';
import { unofferedLabelAnalyzer } from './unoffered-label.js';
import { unreadPrefixedSettingAnalyzer } from './unread-prefixed-setting.js';
import { unspecifiedOptionAnalyzer } from './unspecified-option.js';
import { upgradedLibraryAnalyzer } from './upgraded-library.js';
import { upstreamServiceGoneAnalyzer } from './upstream-service-gone.js';
import { urlPathSiblingAnalyzer } from './url-path-sibling.js';
import { urlSchemeAnalyzer } from './url-scheme.js';
import { userNamespaceLimitAnalyzer } from './user-namespace-limit.js';
import { uwsgiBufferSizeAnalyzer } from './uwsgi-buffer-size.js';
import { valueNotAllowedAnalyzer } from './value-not-allowed.js';
import { vectorsInMemoryAnalyzer } from './vectors-in-memory.js';
import { versionNotUpgradedAnalyzer } from './version-not-upgraded.js';
import { versionSkewAnalyzer } from './version-skew.js';
import { versionedNameAnalyzer } from './versioned-name.js';
import { virtualServiceShortHostAnalyzer } from './virtualservice-short-host.js';
import { volumeNodePinAnalyzer } from './volume-node-pin.js';
import { volumeOwnershipAnalyzer } from './volume-ownership.js';
import { volumePerNodeAnalyzer } from './volume-per-node.js';
import {
  namedVolumeBackingAnalyzer,
  volumeBackingAnalyzer,
  volumePermissionsAnalyzer,
} from './volume-permissions.js';
import { vulnerabilityScannersAnalyzer } from './vulnerability-scanners.js';
import { walArchivePathAnalyzer } from './wal-archive-path.js';
import { warningsAnalyzer } from './warnings.js';
import { webhookIngressPolicyAnalyzer } from './webhook-ingress-policy.js';
import { webhookNoEndpointsAnalyzer } from './webhook-no-endpoints.js';
import { webhookServiceElsewhereAnalyzer } from './webhook-service-elsewhere.js';
import { websocketUpgradeAnalyzer } from './websocket-upgrade.js';
import { wipedMemberAnalyzer } from './wiped-member.js';
import { workerThreadsHungReadAnalyzer } from './worker-threads-hung-read.js';
import { workflowArgumentNameAnalyzer } from './workflow-argument-name.js';
import { wrongNameserverAnalyzer } from './wrong-nameserver.js';

export type { Analyzer, AnalyzerContext, Finding, Read } from './types.js';

/**
 * What the baseline reads from logs and names beyond the `scan` tool's analyzers (which hold the
 * failure signatures over objects, in packages/tools-k8s/src/scan/): signals only a program's log
 * or a search shows.
 */
export const ANALYZERS: readonly Analyzer[] = [
  storageAnalyzer,
  rbacAnalyzer,
  dnsAnalyzer,
  // A setting that still names a Service that is gone (a backend moved, one workload left out).
  retiredServiceHostAnalyzer,
  renamedServiceHostAnalyzer,
  configMapDirDuplicatesAnalyzer,
  // A setting left at localhost: the Service on that port the task's namespaces hold, as the fix.
  droppedSidecarAnalyzer,
  configShapeAnalyzer,
  nonHttpPortAnalyzer,
  portHolderAnalyzer,
  // A directory refused as a whole for one entry under it that a finished probe pod shows unreadable.
  entryDeniedAnalyzer,
  // A crashed container that says nothing of why: the logs of the pod's other containers (a tailed log file).
  siblingLogsAnalyzer,
  // Data read as a list (or a single item) because a mounted setting says so.
  shapeSettingAnalyzer,
  // A crashing release whose later release runs in another namespace, and what that one changed.
  fixedElsewhereAnalyzer,
  // A configuration a change trimmed, against the copy kept from before it.
  configBackupDiffAnalyzer,
  // A Deployment copied from another that kept the other's image.
  copiedImageAnalyzer,
  // A change its cause calls temporary (a debug mode), left in place for days.
  temporaryChangeAnalyzer,
  // An upgrade the running program does not show: its log reports an older version than the one asked for.
  versionNotUpgradedAnalyzer,
  localhostSettingAnalyzer,
  dnsForwardAnalyzer,
  pullSecretsAnalyzer,
  appErrorsAnalyzer,
  // A program that gave up a server it could not reach at start and runs without it since.
  startedWithoutDependencyAnalyzer,
  // An HPA without its custom metric: the adapter that serves the metrics API, its log and its change.
  metricsAdapterAnalyzer,
  // Loaded code that imports a module of the program's own package the installed release lacks.
  ownModuleMissingAnalyzer,
  // A system call the node's kernel is too old to have (ENOSYS), beside a newer node where it works.
  syscallNotInKernelAnalyzer,
  // A Service dialled under the default DNS domain on a cluster whose domain is another.
  clusterDomainAnalyzer,
  // A PostgreSQL extension asked for by another name than its own (pgvector is `vector`).
  envPathMissingAnalyzer,
  extensionNameAnalyzer,
  // Dials between nodes that time out on one port with no NetworkPolicy: the nodes' firewall drops them.
  nodeFirewallAnalyzer,
  // An operator (in the namespace the task names) that keeps failing to reconcile an object here.
  operatorReconcileErrorAnalyzer,
  operatorHoldsBackAnalyzer,
  // A custom resource the task names that ended Failed: its controller's log line about it.
  failedCustomObjectAnalyzer,
  duplicateEntryNamesAnalyzer,
  staleCrdAnalyzer,
  seededElsewhereAnalyzer,
  podLocalFileAnalyzer,
  configNotPassedAnalyzer,
  hostNamespaceAnalyzer,
  upstreamServiceGoneAnalyzer,
  httpsProxyMissingAnalyzer,
  saTokenMissingAnalyzer,
  twinControllersAnalyzer,
  dockerSocketAnalyzer,
  removedNodesAnalyzer,
  // A controller whose pods the API server refuses (FailedCreate), behind a release that timed out.
  failedCreateAnalyzer,
  // One failure retried without end (a rising retry count): the receiver refuses every attempt.
  endlessRetryAnalyzer,
  // A relay whose intake outruns its output: the buffer overflows and drops.
  bufferOverflowAnalyzer,
  // Clients that all reconnect at once without backoff: the connect count grows fiftyfold.
  reconnectStormAnalyzer,
  // Multi-master members chained in a ring, each replicating from only the next one.
  replicationRingAnalyzer,
  // A tenant's quota full and its writes refused while eviction waits for the whole pool's watermark.
  quotaBelowEvictionAnalyzer,
  // A backlog of unwritten data that fills the heap: intake faster than the storage writes.
  backlogHeapAnalyzer,
  // A thread or service of a running JVM dead of an OutOfMemoryError while the process lives on.
  threadDiedOomAnalyzer,
  // A rollout that unset the database settings: the program fell back to a database of its own.
  databaseSettingsDroppedAnalyzer,
  // A queue no job worker lists: its jobs wait while every pod is Running.
  queueWithoutWorkerAnalyzer,
  // A queue only a worker Deployment scaled to zero takes: nothing consumes it.
  queuesAtZeroAnalyzer,
  // Pods of one workload that fail on some nodes and run on the others: a note naming both.
  failingNodesAnalyzer,
  // A Ceph OSD's slow ops waiting on one replica's commits: that replica's drive is the slow one.
  cephSlowPeerAnalyzer,
  // A hash ring's stale entry (a member gone past its heartbeat timeout) that keeps a new member unready.
  staleRingMemberAnalyzer,
  // Puma's master killing workers whose slow requests keep them past worker_timeout.
  pumaWorkerTimeoutAnalyzer,
  // Per-feature variables a new release no longer reads: it falls back to localhost.
  unreadPrefixedSettingAnalyzer,
  // A mark left by a run that was killed: later runs skip the work it claimed.
  staleRunClaimAnalyzer,
  // A vector store whose memory is its vectors, kept in RAM by the collection's configuration.
  vectorsInMemoryAnalyzer,
  // A cache sized to the whole memory limit of a container OOM-killed: a third of the limit as the fix.
  cacheFillsLimitAnalyzer,
  // A data volume filled by the snapshots or backups kept on it (a second mount of the same volume).
  snapshotsOnDataVolumeAnalyzer,
  // Work a program refuses because the memory it predicts would not fit (a load refused up front).
  loadRefusedMemoryAnalyzer,
  // A partition whose replicas' logs all report it as a follower: no leader serves it (its reads, the
  // sibling replicas' logs, come before the slower checks below).
  raftRolesAnalyzer,
  // A member that came back with an empty data directory, refused by its siblings by its new identity.
  wipedMemberAnalyzer,
  // A member whose disk stalls (writes that do not complete), the others waiting on its leases.
  diskStallAnalyzer,
  // Writes refused while a store's primary moved off a member stopped for maintenance, and back.
  primaryHandoverAnalyzer,
  dbPoolSizeAnalyzer,
  // A client pool whose one cap on active connections ran out, the server with room to spare.
  clientPoolCapAnalyzer,
  slowRolloutAnalyzer,
  ephemeralStorageAnalyzer,
  configNotReloadedAnalyzer,
  statefulSetLostNodeAnalyzer,
  jvmHeapCapAnalyzer,
  jvmSerialGcAnalyzer,
  controllerCrdAnalyzer,
  etcdDiskAnalyzer,
  previousLimitsAnalyzer,
  cniDaemonSetTaintAnalyzer,
  idleUpstreamResetAnalyzer,
  stuckFinalizerAnalyzer,
  sharedEgressLimitAnalyzer,
  registryQuotaConsumerAnalyzer,
  rateLimiterByDesignAnalyzer,
  loggedLimitAnalyzer,
  namedSettingAnalyzer,
  splitFieldMissingAnalyzer,
  tomlBareStringAnalyzer,
  embeddedDbLockAnalyzer,
  queueBurstsAnalyzer,
  jvmHeapLimitAnalyzer,
  goHeapGoalAnalyzer,
  perWorkerMetricsAnalyzer,
  duplicateSchedulerAnalyzer,
  healthCheckNoiseAnalyzer,
  sshKnownHostsAnalyzer,
  homeNotWritableAnalyzer,
  keystorePasswordAnalyzer,
  oidcRedirectUriAnalyzer,
  nginxLimitReqAnalyzer,
  redisClusterMemberAnalyzer,
  loggedConfigFileAnalyzer,
  mongoAuthSourceAnalyzer,
  threadPoolExhaustedAnalyzer,
  redisMadeReplicaAnalyzer,
  pgLockHolderAnalyzer,
  esBreakerLoweredAnalyzer,
  celeryVisibilityTimeoutAnalyzer,
  requestNeverReturnsAnalyzer,
  cronDstGapAnalyzer,
  workerThreadsHungReadAnalyzer,
  opcacheFullAnalyzer,
  vulnerabilityScannersAnalyzer,
  djangoAllowedHostsAnalyzer,
  djangoCsrfOriginsAnalyzer,
  corsAllowedOriginsAnalyzer,
  dotnetHeapHardLimitAnalyzer,
  forwardedSchemeLoopAnalyzer,
  pollLoopStuckCallAnalyzer,
  stalenessThresholdAnalyzer,
  firstPullSlowAnalyzer,
  quotedErrorLogsAnalyzer,
  frontingProxyAnalyzer,
  jwksStaleKeysAnalyzer,
  releaseDuringPastAlertAnalyzer,
  pythonStdoutBufferedAnalyzer,
  configSourcesAnalyzer,
  failingNodeAnalyzer,
  // A certificate refused as expired or not yet valid by a node whose clock is hours off the cluster's.
  nodeClockAnalyzer,
  elsewhereAnalyzer,
  knownTaintsAnalyzer,
  metricsPipelineAnalyzer,
  // A program's own refused call to the metrics API: metrics-server's log, early.
  metricsRefusedAnalyzer,
  nodePressureAnalyzer,
  nodeNotReadyAnalyzer,
  volumePermissionsAnalyzer,
  volumeBackingAnalyzer,
  namedVolumeBackingAnalyzer,
  socketOnNfsAnalyzer,
  // A command line left without a setting the same product's other parts are given by a variable.
  unspecifiedOptionAnalyzer,
  // An ownerless pod that cannot run: the program its labels name made it, and its log says what failed.
  podCreatorAnalyzer,
  // A value with a single quote written unescaped into an SQL statement: a syntax error where it goes on.
  quoteInSqlAnalyzer,
  // A product the task names whose workloads are not named for it: its containers' logs, by their images.
  productImagesAnalyzer,
  // A program set to work in a namespace it refuses to work in.
  namespaceSettingAnalyzer,
  // The pods the task names by their workload's word, all Running: their logs.
  taskNamedPodsAnalyzer,
  // A migration cut off part-way by a kill: every later start fails on what it left behind.
  halfAppliedMigrationAnalyzer,
  // A file of a volume refused to a program that is not its owner, as a listing shows (root-owned, private).
  fileOwnerAnalyzer,
  // A Django settings file that sets a setting under a miscased name: ignored, the default used.
  settingsCaseAnalyzer,
  // A Service refused while its pod runs: the program listens on the loopback address only.
  loopbackListenerAnalyzer,
  // A scan that skips a few files it cannot parse (malformed input), then finishes with the rest.
  badInputFilesAnalyzer,
  // A connection URL the client library refuses for its scheme (http:// where mongodb:// is expected).
  urlSchemeAnalyzer,
  schemeLessUrlAnalyzer,
  swallowedMigrationAnalyzer,
  hostedApiDefaultAnalyzer,
  reloaderAnnotationAnalyzer,
  requestsUnderUsageAnalyzer,
  apiserverSanAnalyzer,
  glusterOpVersionAnalyzer,
  podHostnameAnalyzer,
  userNamespaceLimitAnalyzer,
  hostPathMissingAnalyzer,
  wrongNameserverAnalyzer,
  bareForbiddenAnalyzer,
  legacyTokenClaimAnalyzer,
  placeholderValueAnalyzer,
  earlyMisconceptionsAnalyzer,
  droppedCapabilitiesAnalyzer,
  invalidContainerAnalyzer,
  devTagAnalyzer,
  // An endpoint refused (403/404) while the server's own switch variable for it is off.
  disabledEndpointAnalyzer,
  // An SSH service whose account's login shell refuses every command (nologin).
  sshNologinAnalyzer,
  // A web server that sends PHP files out as text: Apache started without a PHP module.
  scriptSourceAnalyzer,
  // One migration run that creates a table twice: a stale migration file in the image.
  duplicateMigrationAnalyzer,
  // A command path outside the directory the program's own setting names, which it checks against.
  pathOutsideSettingAnalyzer,
  // A status flagged not working only for its logged errors, while it shows work done.
  statusFlagErrorsAnalyzer,
  // A client whose TLS mode does not fit the port: STARTTLS on an implicit-TLS port, or the reverse.
  implicitTlsPortAnalyzer,
  // A short Service name looked up from another namespace than the Service's.
  shortNameNamespaceAnalyzer,
  // Work skipped for paths under a directory no volume is mounted at any more.
  unmountedPathAnalyzer,
  // A Deployment scaled to zero for a change and never scaled back, while the rest says its part is not running.
  leftScaledDownAnalyzer,
  // Fetched pages that are bot protection's challenge page ("Just a moment...").
  botChallengeAnalyzer,
  // Work queued (Celery, the Laravel queue) with no worker of that queue running.
  queueNoWorkerAnalyzer,
  // Timeouts to a dependency on a node whose conntrack table a scanning neighbour fills.
  conntrackNeighbourAnalyzer,
  // A JVM held by the JDWP agent's suspend=y until a debugger attaches.
  jvmDebugSuspendAnalyzer,
  // A browser-facing address set to a cluster-internal name while an internal one exists beside it.
  internalPublicUrlAnalyzer,
  // A client's 401s from a server set up again on new data: its API key is stale.
  tokenAfterRebuildAnalyzer,
  // A queue consumer started from a cron file: it never finishes, the scheduled work stops.
  cronConsumerAnalyzer,
  // Requests that fail for one item whose upstream metadata lacks an id the downstream needs.
  nullExternalIdAnalyzer,
  // A release that serves while its schema migration is still running (a Job part of the way through).
  migrationInProgressAnalyzer,
  // A client that dials a server's public name from inside and times out while the server runs in the cluster.
  publicNameHairpinAnalyzer,
  // An S3 client that signs for another region than its server's.
  s3RegionScopeAnalyzer,
  // A task about 4xx or 5xx answers: a search of a cut access log for the codes asked about.
  askedStatusesAnalyzer,
  localStorageAnalyzer,
  proxyHttpVersionAnalyzer,
  hpaAtMaxAnalyzer,
  gatewayUnroutedPathAnalyzer,
  muslSearchListAnalyzer,
  nginxFastShutdownAnalyzer,
  rabbitmqWatermarkAnalyzer,
  daemonSetUntoleratedNodesAnalyzer,
  poolOverCpuAnalyzer,
  traefikProviderOffAnalyzer,
  clickhouseSmallInsertsAnalyzer,
  jvmProcessorsAnalyzer,
  throttledDependencyAnalyzer,
  proxyReadTimeoutAnalyzer,
  rootPathDeniedAnalyzer,
  kanikoCleanupAnalyzer,
  workflowArgumentNameAnalyzer,
  offlineNodeAgentAnalyzer,
  versionedNameAnalyzer,
  expiredByProgramAnalyzer,
  configDirOverrideAnalyzer,
  ranksOverCpuAnalyzer,
  replicasOverNodesAnalyzer,
  urlPathSiblingAnalyzer,
  volumePerNodeAnalyzer,
  exclusiveSettingsAnalyzer,
  daemonSetNodeSubsetAnalyzer,
  droppedVariableAnalyzer,
  envFromLacksVariableAnalyzer,
  smtpWrongProtocolAnalyzer,
  uwsgiBufferSizeAnalyzer,
  memoryCapSettingAnalyzer,
  misroutedPathAnalyzer,
  lowercaseNameAnalyzer,
  poolLeakAnalyzer,
  startTimeoutAnalyzer,
  websocketUpgradeAnalyzer,
  inotifyLimitAnalyzer,
  shmBusErrorAnalyzer,
  volumeNodePinAnalyzer,
  configMountsAnalyzer,
  netpolIngressAnalyzer,
  netpolAndedAnalyzer,
  netpolElsewhereAnalyzer,
  netpolEgressAnalyzer,
  netpolMissingNamespaceAnalyzer,
  netpolNamespaceLabelsAnalyzer,
  netpolNamespaceNamesAnalyzer,
  goDurationUnitAnalyzer,
  doubleSchemeAnalyzer,
  logLevelAnalyzer,
  dnsSearchAnalyzer,
  dnsSearchExpansionAnalyzer,
  postgresTlsAnalyzer,
  devicePluginsAnalyzer,
  optionalKeysAnalyzer,
  edgeLimitsAnalyzer,
  jobSidecarsAnalyzer,
  supersededJobsAnalyzer,
  serviceLinksAnalyzer,
  serviceLinkValueAnalyzer,
  headlessPeersAnalyzer,
  cronTimeZoneAnalyzer,
  cronTimeZoneAskedAnalyzer,
  nodePressureClearedAnalyzer,
  cronReplaceAnalyzer,
  jobDuplicateWorkAnalyzer,
  jvmMemoryHpaAnalyzer,
  memoryHpaFloorAnalyzer,
  otelMemoryLimiterAnalyzer,
  namedPeerAnalyzer,
  evictRefillLoopAnalyzer,
  stalledPeriodicJobAnalyzer,
  sessionLifetimeAnalyzer,
  unofferedLabelAnalyzer,
  amqpVhostAnalyzer,
  fdLimitAnalyzer,
  nodeHeapAnalyzer,
  externalDnsAnalyzer,
  nodeLocalDnsIpvsAnalyzer,
  walArchivePathAnalyzer,
  scrapeRelabelAnalyzer,
  // A target slower to answer than its scrape job's scrape_timeout (context deadline exceeded).
  scrapeTimeoutAnalyzer,
  // A volume mounted one letter away from the directory the program logs that it reads.
  mountPathNearMissAnalyzer,
  // Temp files refused by a read-only root filesystem while a writable emptyDir is mounted (TMPDIR).
  tmpReadOnlyAnalyzer,
  // Codes and tokens refused for their time while one node's time agent cannot sync its clock.
  clockUnsyncedAnalyzer,
  // A Kafka consumer dropped from its group because one record outlasts max.poll.interval.ms.
  kafkaPollIntervalAnalyzer,
  // A RabbitMQ consumer with no prefetch limit behind the broker's memory alarm.
  unboundedPrefetchAnalyzer,
  // Pods Pending with Too many pods on a node at its allocatable pod count.
  nodePodLimitAnalyzer,
  // Memcached refusing items with its item memory far below the container's limit.
  memcachedMemoryAnalyzer,
  // An nginx server block whose client_max_body_size is below the upload (413).
  nginxBodySizeAnalyzer,
  // Records refused by the Kafka broker's message.max.bytes (RecordTooLargeException).
  kafkaMessageSizeAnalyzer,
  csiRegistrationAnalyzer,
  clientThrottlingAnalyzer,
  sandboxIpamAnalyzer,
  kedaScaledObjectAnalyzer,
  jvmDnsCacheAnalyzer,
  pid1SigtermAnalyzer,
  mtuBlackholeAnalyzer,
  proxyStaleAddressAnalyzer,
  nfsStaleHandleAnalyzer,
  nasSnapshotDirAnalyzer,
  tlsOffSecretsAnalyzer,
  netpolIngressPortAnalyzer,
  crdVersionUnservedAnalyzer,
  ebpfNestedNodeAnalyzer,
  publicUrlLocalhostAnalyzer,
  defaultCommandSidecarAnalyzer,
  valueNotAllowedAnalyzer,
  unmountedVolumeAnalyzer,
  goMaxprocsAnalyzer,
  tlsSanMismatchAnalyzer,
  connectionLimitScaleoutAnalyzer,
  queueConsumersZeroAnalyzer,
  kafkaRetentionAnalyzer,
  dnsFiveSecondAnalyzer,
  grpcWrongPortAnalyzer,
  hpaFlappingAnalyzer,
  pullRecoveredAnalyzer,
  orderedStartupAnalyzer,
  headlessJoinAnalyzer,
  logRotationPressureAnalyzer,
  suspendedCleanupAnalyzer,
  pgWalSlotsAnalyzer,
  noProxyClusterAnalyzer,
  springEnvCaseAnalyzer,
  sidecarStartOrderAnalyzer,
  serviceMonitorSelectorAnalyzer,
  virtualServiceShortHostAnalyzer,
  certificateNotIssuedAnalyzer,
  certificateIssuerAnalyzer,
  webhookNoEndpointsAnalyzer,
  webhookIngressPolicyAnalyzer,
  runtimeMismatchAnalyzer,
  namedControllerAnalyzer,
  statusSubresourceAnalyzer,
  sandboxRuntimeAnalyzer,
  cniAgentOnNodeAnalyzer,
  completedWithErrorsAnalyzer,
  csiDriverMissingAnalyzer,
  jvmEntropyAnalyzer,
  mysqlTableCaseAnalyzer,
  gunicornTimeoutAnalyzer,
  tokenNotRefreshedAnalyzer,
  externalDnsFilterAnalyzer,
  logShipperBufferAnalyzer,
  replicaFightAnalyzer,
  meshInjectionAnalyzer,
  deployToolLogsAnalyzer,
  sealedSecretAnalyzer,
  scaleDownAnalyzer,
  dbMemoryAnalyzer,
  sentinelStaleAnalyzer,
  helmReleaseAnalyzer,
  stalePeerAnalyzer,
  topologySpreadAnalyzer,
  redisEvictionAnalyzer,
  nodeSysctlAnalyzer,
  goMaxProcsAnalyzer,
  serviceAffinityAnalyzer,
  ingressProxyAnalyzer,
  ingressErrorLogAnalyzer,
  ingressTlsHostsAnalyzer,
  calicoBgpAnalyzer,
  serviceEnvOrderAnalyzer,
  envoyUpstreamTlsAnalyzer,
  actuatorProbeLogAnalyzer,
  versionSkewAnalyzer,
  s3PolicyResourceAnalyzer,
  producerReleaseAnalyzer,
  s3PrefixRateAnalyzer,
  poolTimesReplicasAnalyzer,
  poolsOverMaxConnectionsAnalyzer,
  proxyNoServerAnalyzer,
  readAfterWriteAnalyzer,
  misplacedSettingAnalyzer,
  dependencyLogsAnalyzer,
  noReadinessAnalyzer,
  pipeExitAnalyzer,
  hpaSidecarAnalyzer,
  knownHealthPortsAnalyzer,
  readinessPortAnalyzer,
  volumeOwnershipAnalyzer,
  allocatableAnalyzer,
  requestedNodesAnalyzer,
  describedConditionsAnalyzer,
  externalNameAnalyzer,
  nodeLoadAnalyzer,
  nodeReplacedAnalyzer,
  misconceptionsAnalyzer,
  intendedStateAnalyzer,
  expectedStatesAnalyzer,
  // Servers stopped by an idle culler set up to stop them: expected (a note).
  idleCullerAnalyzer,
  // Growth the program's own retention cleanup bounds: expected (a note).
  retentionCleanupAnalyzer,
  // Last: the Warning events themselves, when no signature above matched.
  warningsAnalyzer,
  // Last: a search of quiet logs when nothing else explains a reported failure.
  quietTailSearchAnalyzer,
  clientGoneSearchAnalyzer,
  quotedMessageLoggedAnalyzer,
  // Last: the other workloads' logs of a quiet namespace where failures are reported.
  quietNamespaceLogsAnalyzer,
  // Last: other components the task names, when nothing here fails.
  namedWorkloadElsewhereAnalyzer,
  // Reads in other namespaces last, after the namespace's own.
  productNamespaceAnalyzer,
  failedJobElsewhereAnalyzer,
  // Last: the server a failing client calls, read for the answer's notes.
  idleTimeoutAnalyzer,
  dependencySideAnalyzer,
  // Right after: the settings of that server, when its log holds failures too.
  otherSideSettingsAnalyzer,
  // Last: another client of that server, changed within the day, whose log names what the failures name.
  otherClientsAnalyzer,
  // Last: what a batch job of the namespace changed, read for the answer's notes.
  jobChangesAnalyzer,
  // Notes only: Django's persistent connections under greenlet workers behind refused clients.
  djangoGeventConnectionsAnalyzer,
  // Notes only: a release that upgraded the library the failures are raised in.
  upgradedLibraryAnalyzer,
  // Notes only: routine work a healthy namespace's logs flag.
  expectedLogLinesAnalyzer,
  clientCancelledAnalyzer,
  foreignHostPromptAnalyzer,
  interfaceFallbackAnalyzer,
  runtimeSupportPhaseAnalyzer,
  certificateRenewedAnalyzer,
  expiredSessionsAnalyzer,
  retriedAndRecoveredAnalyzer,
  consumerRebalanceAnalyzer,
  // Last: the change causes of recent rollouts where failures are logged, for the answer's notes.
  recentRolloutsAnalyzer,
  // A message delivered again to a consumer still handling it (reads nothing of its own).
  redeliveryAnalyzer,
  // A client pool that empties when its connections reach their lifetime together (reads nothing).
  poolRefillAnalyzer,
  // Many misses of one cache key at once, recomputed from the database (reads nothing).
  cacheStampedeAnalyzer,
  // A daily job of an in-process scheduler that fell in the hour skipped by daylight saving (reads nothing).
  schedulerDstGapAnalyzer,
  // Refused acks=all writes to a topic created with replication factor 1 (reads nothing).
  kafkaMinIsrAnalyzer,
  // Notes only: scheduled background work in the window of a past alert.
  routineWorkWindowAnalyzer,
  // A Kafka consumer group without committed offsets replaying from the earliest (reads nothing).
  consumerOffsetResetAnalyzer,
  // Last: the writer holding a SQLite database whose other writers get "database is locked".
  sqliteWriterAnalyzer,
  // A lock file held by another workload that mounts the same claim.
  sharedVolumeLockAnalyzer,
  // A lock whose holder, named in the waiting program's log, has ended (a Job killed mid-run).
  staleLockAnalyzer,
  legacyOpensslRootAnalyzer,
  incompleteChainAnalyzer,
  errorPageProxyAnalyzer,
  redisSlowCommandsAnalyzer,
  serverDiskFullAnalyzer,
  deletedOpenFilesAnalyzer,
  mongoStaleIndexAnalyzer,
  nginxResolverAnalyzer,
  sessionAffinityAnalyzer,
  webhookServiceElsewhereAnalyzer,
  movedWorkloadBindingsAnalyzer,
  namedRunLogsAnalyzer,
  loggedPodIdAnalyzer,
  imageWithoutRepositoryAnalyzer,
  staleFuseMountAnalyzer,
  routePrefixMissingAnalyzer,
  misspeltPrincipalAnalyzer,
  eventLoopBlockedAnalyzer,
  celeryPrefetchAnalyzer,
  // Last: what the latest rollout of a failing Deployment changed in its pod template.
  rolloutDiffAnalyzer,
  credentialRefChangedAnalyzer,
  // Last: the rollout history of a recently rolled, failing Deployment when nothing read its revision.
  rolloutHistoryAnalyzer,
  // Last: the ConfigMaps a pod that logs failures mounts, for the settings the answer quotes beside them.
  failureSettingsAnalyzer,
  // Last: the change cause of a Deployment whose pod logs failures, when nothing read its revision.
  changeCauseAnalyzer,
  // Last: its searches only serve an all-clear's quotes, after every other analyzer's reads.
  quotedSearchAnalyzer,
];
