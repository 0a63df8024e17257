import { describe, expect, it } from 'vitest';
import { cronRunOf, isFrontName, podDeployment } from './types.js';

describe('podDeployment', () => {
  it.each([
    ['ledger-api-7d9f8c6b5d-x2k4p', 'ledger-api'],
    ['shop-web-5c7b9d8f6-abcde', 'shop-web'],
    ['a.b-api-6bcd77f9c4-z9z9z', 'a.b-api'],
    // a CronJob run's pod: the scheduled minute as digits, not a pod-template-hash
    ['nightly-report-29412340-k7q2m', undefined],
    ['db-backup-2941234012-ab1cd', undefined],
    // a StatefulSet's ordinal and a bare name have not the shape
    ['postgres-0', undefined],
    ['standalone', undefined],
  ])('%s → %s', (pod, deployment) => {
    expect(podDeployment(pod)).toBe(deployment);
  });

  it('leaves a CronJob run to cronRunOf', () => {
    expect(cronRunOf('nightly-report-29412340-k7q2m')?.cronJob).toBe('nightly-report');
  });
});

describe('isFrontName', () => {
  it.each([
    ['ingress-nginx', true],
    ['edge', true],
    ['shop-frontend', true],
    ['api-gateway', true],
    ['proxy', true],
    // a word that holds a front word inside it is not one
    ['ledgerly', false],
    ['hedge-fund', false],
    ['frontier-apps', false],
    ['payments', false],
  ])('%s → %s', (name, front) => {
    expect(isFrontName(name)).toBe(front);
  });
});
