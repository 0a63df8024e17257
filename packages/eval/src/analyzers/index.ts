import { appErrorsAnalyzer } from './app-errors.js';
import { dnsAnalyzer } from './dns.js';
import { hpaAnalyzer } from './hpa.js';
import { ingressAnalyzer } from './ingress.js';
import { jobsAnalyzer } from './jobs.js';
import { netpolAnalyzer } from './netpol.js';
import { nodesAnalyzer } from './nodes.js';
import { pullSecretsAnalyzer } from './pull-secrets.js';
import { rbacAnalyzer } from './rbac.js';
import { scaledToZeroAnalyzer } from './scaled-to-zero.js';
import { storageAnalyzer } from './storage.js';
import type { Analyzer } from './types.js';

export type { Analyzer, AnalyzerContext, Finding, Read } from './types.js';

/** Every failure family the baseline checks beyond pods, deployments and services; adding one is adding a file here. */
export const ANALYZERS: readonly Analyzer[] = [
  storageAnalyzer,
  jobsAnalyzer,
  hpaAnalyzer,
  rbacAnalyzer,
  netpolAnalyzer,
  ingressAnalyzer,
  nodesAnalyzer,
  dnsAnalyzer,
  scaledToZeroAnalyzer,
  pullSecretsAnalyzer,
  appErrorsAnalyzer,
];
