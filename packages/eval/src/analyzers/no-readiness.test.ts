import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { noReadinessAnalyzer } from './no-readiness.js';

const obs = (tool: string, content: string, args: Record<string, unknown> = {}): SeenObservation => ({
  step: 1,
  tool,
  args: { namespace: 'web', ...args },
  status: 'ok',
  content,
});
const deployment = obs(
  'describe_deployment',
  `Name:               shop
Namespace:          web
Pod Template:
  Labels:  app=shop
  Containers:
   shop:
    Image:        web/shop:1.5
    Port:         8080/TCP
Conditions:
  Type           Status  Reason
`,
  { name: 'shop' },
);
const pods = (status: string, restarts: string) =>
  obs(
    'list_pods',
    `NAME                     READY   STATUS    RESTARTS   AGE\nshop-895v2fgcnj-k964w    1/1     ${status}   ${restarts}   40m`,
  );
const logs = obs('get_pod_logs', 'INFO Started ShopApplication in 14.2 seconds', {
  name: 'shop-895v2fgcnj-k964w',
});
const finds = (seen: SeenObservation[]) =>
  noReadinessAnalyzer.finds({
    task: "Since this morning's deploy of shop, users get 502 errors about half the time",
    ns: 'web',
    hints: ['shop'],
    seen,
  });

describe('no-readiness', () => {
  it('blames the missing readiness probe when the pods run', () => {
    expect(finds([deployment, pods('Running', '0'), logs])[0]?.cause).toMatch(
      /no readiness probe[\s\S]*14.2 s/,
    );
  });
  it('says nothing when the pods crash, restart or cannot pull: the 502s have that cause', () => {
    expect(finds([deployment, pods('CrashLoopBackOff', '17 (2m ago)'), logs])).toEqual([]);
    expect(finds([deployment, pods('Running', '5 (1m ago)'), logs])).toEqual([]);
    expect(finds([deployment, pods('ImagePullBackOff', '0'), logs])).toEqual([]);
  });
  it('says nothing of a template that declares no port: a worker no Service sends traffic to', () => {
    const worker = obs(
      'describe_deployment',
      deployment.content.replace(
        '    Port:         8080/TCP\n',
        '      Environment:\n        AMQP_URL:  amqp://mq:5672\n',
      ),
      { name: 'shop' },
    );
    expect(finds([worker, pods('Running', '0'), logs])).toEqual([]);
  });
});
