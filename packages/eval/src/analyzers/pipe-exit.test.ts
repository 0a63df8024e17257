import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { pipeExitAnalyzer } from './pipe-exit.js';

const pod = (script: string): SeenObservation => ({
  step: 1,
  tool: 'describe_pod',
  args: { namespace: 'backup', name: 'backup-1-abcde' },
  status: 'ok',
  content: `Name:             backup-1-abcde
Status:           Succeeded
Containers:
  backup:
    Image:          postgres:16
    Command:        /bin/bash -c
    Args:           ${script}
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
`,
});
const logs: SeenObservation = {
  step: 2,
  tool: 'get_pod_logs',
  args: { namespace: 'backup', name: 'backup-1-abcde' },
  status: 'ok',
  content:
    'pg_dump: error: connection failed: FATAL:  password authentication failed for user "backup"\nupload done',
};
const finds = (seen: SeenObservation[]) =>
  pipeExitAnalyzer.finds({ task: 't', ns: 'backup', hints: [], seen });

describe('pipe-exit', () => {
  it('finds a failure hidden by a pipeline whose last command succeeded', () => {
    const [f] = finds([pod('pg_dump -Fc orders | gzip -c > /tmp/o.gz && aws s3 cp /tmp/o.gz s3://b/'), logs]);
    expect(f?.cause).toMatch(/exit status of the last command \(gzip\)/);
    expect(f?.cause).toMatch(/pg_dump failing/);
  });
  it('stays quiet with pipefail, without a pipe, or without an error in the log', () => {
    expect(finds([pod('set -o pipefail; pg_dump -Fc orders | gzip -c > /tmp/o.gz'), logs])).toEqual([]);
    expect(finds([pod('pg_dump -Fc orders -f /tmp/o.dump'), logs])).toEqual([]);
    expect(
      finds([pod('pg_dump -Fc orders | gzip -c > /tmp/o.gz'), { ...logs, content: 'dumped 120 tables' }]),
    ).toEqual([]);
  });
  it('does not take a Completed init container for the run', () => {
    const initDone: SeenObservation = {
      ...pod(''),
      content: `Name:             api-7d9f-abcde
Status:           Running
Init Containers:
  render-config:
    Image:          busybox:1.36
    Command:        sh -c
    Args:           cat /tmpl/app.yaml | sed s/PORT/8080/ > /config/app.yaml
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
Containers:
  api:
    Image:          shop/api:2
    State:          Running
`,
      args: { namespace: 'backup', name: 'api-7d9f-abcde' },
    };
    expect(finds([initDone, { ...logs, args: { namespace: 'backup', name: 'api-7d9f-abcde' } }])).toEqual([]);
  });
});
