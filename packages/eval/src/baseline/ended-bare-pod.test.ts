// A bare pod whose container ended with an error and is not started again (restartPolicy Never, as CI
// agents and one-off tasks run): its current Terminated state is the crash, explained by its log.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from '../__fixtures__/baseline-answer.js';

const world = (line: string, exitCode = 2, labels = '', retry = '') => `cluster:
  namespaces: [builds]
  nodes: [{ name: n1 }]
  pods:
    - name: agent-7731-q2x9z
      namespace: builds
      restartPolicy: Never
      age: 2m${labels}
      containers:
        - name: agent
          image: example/build-agent:4.2
          behavior:
            crash: { exitCode: ${exitCode} }
            failAfter: 2s
      containerFacts:
        agent:
          logs:
            - "INFO: connecting to the build server"
            - ${JSON.stringify(line)}
${retry}`;

const TASK = 'The build agents in namespace builds go into Error seconds after they start. Why?';

describe('a bare pod that ended with an error and is not restarted', () => {
  it('is read as a crash, its log line and its known meaning quoted', async () => {
    const text = await baselineAnswer(
      head('ended-bare-pod', 'builds', TASK) +
        world(
          'SEVERE: java.security.cert.CertificateException: No subject alternative names matching IP address 192.0.2.10 found',
        ),
    );
    expect(text).toMatch(/exit code 2/);
    expect(text).toMatch(/No subject alternative names matching IP address 192\.0\.2\.10/);
    expect(text).toMatch(/State Terminated, Reason Error, Exit Code 2, not restarted/);
    expect(text).not.toMatch(/could not determine a root cause/i);
  });

  it('is not read as a crash when the pod is a Job run that a retry completed', async () => {
    const retry = `    - name: agent-7731-m4k8p
      namespace: builds
      restartPolicy: Never
      age: 1m
      labels: { job-name: agent-7731 }
      containers:
        - name: agent
          image: example/build-agent:4.2
          behavior: { completeAfter: 5s }
`;
    const text = await baselineAnswer(
      head('ended-job-pod', 'builds', TASK) +
        world('ERROR: upload failed, exit 2', 2, '\n      labels: { job-name: agent-7731 }', retry),
    );
    expect(text).not.toMatch(/crashes on start with exit code 2/);
  });
});
