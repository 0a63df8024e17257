import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../../../observations.js';
import { growthBeforeKill, nodeHeap, nodeOom, workerPool } from './oom-killed.js';

describe('workerPool: how many worker processes an OOM-killed program runs', () => {
  it.each([
    ['[INFO/MainProcess] celery@report-worker ready. concurrency: 12 (prefork)', '', 12],
    [
      '[INFO] Booting worker with pid: 11\n[INFO] Booting worker with pid: 12\n[INFO] Booting worker with pid: 13',
      '',
      3,
    ],
    ['started', '    Environment:\n      CELERY_WORKER_CONCURRENCY:  8\n', 8],
    ['started', '    Environment:\n      WEB_CONCURRENCY:  4\n', 4],
  ])('%s', (logs, body, count) => {
    expect(workerPool(logs, body)?.count).toBe(count);
  });

  it('nothing for one worker, a thread pool setting, or no sign of a pool', () => {
    expect(workerPool('celery@w ready. concurrency: 1 (prefork)', '')).toBeUndefined();
    expect(
      workerPool('[INFO] Booting worker with pid: 11\n[INFO] Booting worker with pid: 11', ''),
    ).toBeUndefined();
    expect(
      workerPool('listening on :8080', '    Environment:\n      MAX_CONNECTIONS:  100\n'),
    ).toBeUndefined();
  });
});

describe('growthBeforeKill: what the log says the program was doing as its memory grew', () => {
  it.each([
    ['[ warn] [output:loki:loki.0] loki:80, HTTP status=429', /receiver refusing or slowing/],
    ["[ warn] [engine] failed to flush chunk '1-17.flb', retry in 9 seconds", /backlog in memory/],
    ['WARN producer: send buffer is full, 18211 records queued', /backlog in memory/],
    ['INFO worker: received s3://inbound/northwind/full.csv (1.31 GB)', /the input it was working on/],
    ['level=info msg="downloading export" size=2147483648', /the input it was working on/],
  ])('%s', (line, said) => {
    const got = growthBeforeKill(`INFO starting\n${line}\nINFO still working`);
    expect(got?.line).toBe(line);
    expect(got?.said).toMatch(said);
  });
  it('an input that alone is at least the limit: larger than the limit before any working memory', () => {
    const line = 'llm_load_print_meta: model size = 9.36 GiB (6.56 BPW)';
    const got = growthBeforeKill(`INFO loading model\n${line}`, 8 * 2 ** 30);
    expect(got?.said).toMatch(/that input alone is larger than the limit/);
    // Under the limit it is the input that grew past it once loaded.
    expect(growthBeforeKill(`INFO loading model\n${line}`, 16 * 2 ** 30)?.said).toMatch(
      /the input it was working on/,
    );
  });
  it('a link that keeps failing: what the program forwards stays queued, a backlog without bound', () => {
    const fail = (n: number) =>
      `Connecting bridge uplink (ingest.example.net:8883) / Error creating bridge: Connection timed out. (attempt ${n})`;
    const got = growthBeforeKill(['mosquitto 2.0.18 running', fail(1), fail(2), fail(3)].join('\n'));
    expect(got?.line).toBe(fail(3));
    expect(got?.said).toMatch(
      /failing again and again \(3 times[\s\S]*stays queued in memory, a backlog without bound/,
    );
    // Twice is a blip, not a link that is down.
    expect(growthBeforeKill([fail(1), fail(2), 'INFO bridge uplink connected'].join('\n'))).toBeUndefined();
  });

  it('the latest size, and the whole input held at once when the buffer only grows and nothing is handed on', () => {
    const progress = [
      'reading source collection products (stream=all) ...',
      'read 100000 documents (buffered 0.49 GiB)',
      'read 200000 documents (buffered 0.98 GiB)',
      'read 400000 documents (buffered 1.95 GiB)',
    ];
    const held = growthBeforeKill(progress.join('\n'));
    expect(held?.line).toBe('read 400000 documents (buffered 1.95 GiB)');
    expect(held?.said).toMatch(/loads the whole input in one go before writing any of it/);
    expect(held?.said).toContain(
      '"read 100000 documents (buffered 0.49 GiB)" … "read 400000 documents (buffered 1.95 GiB)"',
    );
    // A batch written between the reads: the buffer empties, so it is not the whole input at once.
    const batched = [...progress.slice(0, 3), 'imported batch 1 (1000 documents)', progress[3]!];
    const one = growthBeforeKill(batched.join('\n'));
    expect(one?.line).toBe('read 400000 documents (buffered 1.95 GiB)');
    expect(one?.said).toMatch(/the input it was working on when killed/);
  });

  it('nothing for small inputs or a log that says neither', () => {
    expect(growthBeforeKill('INFO imported contoso.csv (48 MB) in 6.1s')).toBeUndefined();
    expect(growthBeforeKill('INFO listening on :8080\nINFO GET / 200')).toBeUndefined();
  });
});

describe('nodeHeap: a Node.js heap that may outgrow the container', () => {
  const GiB = 2 ** 30;
  it('the heap limit the log states, at or above the container limit', () => {
    const got = nodeHeap(
      '{"msg":"v8 heap statistics","heap_size_limit":4345298944}',
      '    Command:  node dist/server.js\n',
      4 * GiB,
    );
    expect(got?.fromLog).toBe(true);
    expect(got?.said).toMatch(
      /heap_size_limit 4\.05 GiB[\s\S]*--max-old-space-size \(in MiB, about three quarters of the container limit: 3072\)/,
    );
  });
  it('a node command without the flag; nothing when the flag is set or the program is not node', () => {
    expect(nodeHeap('listening', '    Command:  node server.js\n', 2 * GiB)?.fromLog).toBe(false);
    expect(
      nodeHeap('listening', '    Command:  node --max-old-space-size=1536 server.js\n', 2 * GiB),
    ).toBeUndefined();
    expect(
      nodeHeap(
        'listening',
        '    Environment:\n      NODE_OPTIONS:  --max_old_space_size=1536\n    Command:  node s.js\n',
        2 * GiB,
      ),
    ).toBeUndefined();
    expect(nodeHeap('listening', '    Command:  python app.py\n', 2 * GiB)).toBeUndefined();
  });
});

describe('nodeOom: an OOM kill by the node, with the neighbour that has no memory limit', () => {
  const seen = (events: string, limits = '0Mi'): SeenObservation[] => [
    {
      step: 1,
      tool: 'describe_node',
      args: { name: 'gx-2' },
      status: 'ok',
      content: `Name: gx-2\nNon-terminated Pods: (2 in total)\n  Namespace   Name                               CPU Requests   Memory Requests   Memory Limits\n  genomics    align-worker-vkjmhrn5x-w75mc       4000m          12288Mi           16384Mi\n  scratch     notebook-kernel-b5zqxgng46-wr595   0m             0Mi               ${limits}\nEvents:\n${events}`,
    },
    {
      step: 2,
      tool: 'get_pod_metrics',
      args: { namespace: 'scratch' },
      status: 'ok',
      content:
        'notebook-kernel-b5zqxgng46-wr595  restarts: 0  oomKills: 0 known\n  kernel: cpu 150m / no limit; memory 21Gi / no limit',
    },
  ];
  const described = 'Name: align-worker-vkjmhrn5x-w75mc\nNode:  gx-2\n';
  const body = '    Limits:\n      memory: 16Gi\n';
  const OOM =
    '  Warning   SystemOOM   12m (x3 over 55m)   kubelet   System OOM encountered, victim process: bwa-mem2, pid: 48213';
  it('names the node, its SystemOOM event and the limitless neighbour with its usage', () => {
    const got = nodeOom('align-worker-vkjmhrn5x-w75mc', described, body, seen(OOM));
    expect(got?.cause).toMatch(/the node gx-2 ran out of memory \("Warning SystemOOM/);
    expect(got?.cause).toMatch(
      /taken by notebook-kernel \(pod notebook-kernel-b5zqxgng46-wr595 in namespace scratch, using 21Gi\), which has no memory limit/,
    );
    expect(got?.advice).toMatch(/give notebook-kernel in namespace scratch a memory request and limit/);
  });
  it('nothing without node-level evidence, or when every neighbour has a limit', () => {
    expect(nodeOom('align-worker-vkjmhrn5x-w75mc', described, body, seen(''))).toBeUndefined();
    expect(nodeOom('align-worker-vkjmhrn5x-w75mc', described, body, seen(OOM, '2048Mi'))).toBeUndefined();
    // A restarted container using less than its limit, on a node without memory pressure: its own limit.
    const low: SeenObservation = {
      step: 3,
      tool: 'get_pod_metrics',
      args: { namespace: 'genomics' },
      status: 'ok',
      content:
        'align-worker-vkjmhrn5x-w75mc  restarts: 3  oomKills: 3\n  worker: cpu 3600m / request 4 / no limit; memory 900Mi / request 12Gi / limit 16Gi (5%)',
    };
    expect(nodeOom('align-worker-vkjmhrn5x-w75mc', described, body, [...seen(''), low])).toBeUndefined();
    expect(
      nodeOom('align-worker-vkjmhrn5x-w75mc', described, body, [
        ...seen(
          '  Normal   NodeHasInsufficientMemory   50m   kubelet   Node gx-2 status is now: NodeHasInsufficientMemory',
        ),
        low,
      ])?.cause,
    ).toMatch(/taken by notebook-kernel/);
  });
});
