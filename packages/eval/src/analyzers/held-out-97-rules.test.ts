import { describe, expect, it } from 'vitest';
import { foreignHostPromptAnalyzer } from './foreign-host-prompt.js';
import { loggedPodIdAnalyzer } from './logged-pod-id.js';
import { ctx, expectBounded, log, observed, pods } from './observed.fixture.js';

// Rules written for set 96's misses before set 97 was read, each general, each with its table here; the
// worlds' answers are in held-out-answers.test.ts.

// --- foreign-host-prompt ------------------------------------------------------------------------------

const NS = 'reading';
const TASK =
  'A colleague saved an article and got a browser popup asking for a username and password "for staging-docs.cms-preview.example". Is anything wrong? If nothing is wrong, say so.';
const ready = pods(NS, [['reader-7d9f8c6b5-abcde', '1/1', 'Running', '0', '33d']]);
const ogLine =
  '[2026-10-12T08:51:03.021+00:00] graby.INFO: Opengraph "og:image" found {"og:image":"https://staging-docs.cms-preview.example/uploads/share.png"} []';
const fetchLine =
  '[2026-10-12T08:51:02.640+00:00] graby.INFO: Fetching url: {url} {"url":"https://docs.fleetctl.example/ops/ha/"} []';
const readerLog = (lines: string[]) => log(NS, 'reader-7d9f8c6b5-abcde', lines);
const notes = (seen: Parameters<typeof ctx>[1], task = TASK) =>
  foreignHostPromptAnalyzer.notes!(ctx(NS, seen, task));

describe('foreign-host-prompt', () => {
  it('explains a login prompt for the host of an image the page embeds, in a healthy namespace', () => {
    const out = notes([ready, readerLog([fetchLine, ogLine, 'GET /view/12 200'])]);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('staging-docs.cms-preview.example');
    expect(out[0]).toContain('preview image');
    expect(out[0]).toContain('third-party host');
    expect(out[0]).toContain('harmless');
  });

  it.each([
    [
      'a picture',
      '<img src="https://cdn.partner.example/a.png"> rendered',
      'cdn.partner.example',
      'an image',
    ],
    ['a script', 'loaded script https://cdn.partner.example/widget.js', 'cdn.partner.example', 'a script'],
  ])('names what the page pulls from that host: %s', (_, line, host, what) => {
    const task = `Users get a login popup asking for their username and password for ${host}. Is anything wrong?`;
    const out = notes([ready, readerLog([line])], task);
    expect(out[0]).toContain(what);
  });

  it.each([
    ['no prompt in the task', 'The page for staging-docs.cms-preview.example looks odd. Is anything wrong?'],
    ['no host in the task', 'A popup asking for a username and password appeared. Is anything wrong?'],
  ])('says nothing with %s', (_, task) => {
    expect(notes([ready, readerLog([ogLine])], task)).toEqual([]);
  });

  it('says nothing when the host is only fetched as the page itself, not embedded', () => {
    const task =
      'A popup asking for a username and password for docs.fleetctl.example appeared. Is anything wrong?';
    expect(notes([ready, readerLog([fetchLine])], task)).toEqual([]);
  });

  it('says nothing when the namespace serves that host itself (its Ingress names it)', () => {
    const ingress = observed(
      'describe_resource',
      { kind: 'Ingress', name: 'reader', namespace: NS },
      'Name: reader\nSpec:\n  rules[0].host: staging-docs.cms-preview.example\n',
    );
    expect(notes([ready, ingress, readerLog([ogLine])])).toEqual([]);
  });

  it('says nothing when a pod is not ready or a log shows a failure', () => {
    const notReady = pods(NS, [['reader-7d9f8c6b5-abcde', '0/1', 'CrashLoopBackOff', '4', '3m']]);
    expect(notes([notReady, readerLog([ogLine])])).toEqual([]);
    expect(notes([ready, readerLog([ogLine, 'ERROR: upstream auth failed'])])).toEqual([]);
  });

  it('does bounded work on a hostile task and log', () => {
    const longHost = `${'a-'.repeat(30)}b.`.repeat(200);
    const task = `asking for a username and password for ${longHost}x`;
    const big = readerLog(Array.from({ length: 5000 }, (_, i) => `line ${i} ${'og:image '.repeat(20)}`));
    expectBounded(
      () => notes([ready, big], task),
      () => notes([ready, big]),
    );
  });
});

// --- logged-pod-id ------------------------------------------------------------------------------------

const GNS = 'gitpod';
const managerLog = log(GNS, 'ws-manager-7c9d8-abcde', [
  '{"level":"info","message":"ws-manager ready"}',
  '{"level":"error","workspaceID":"data-etl-w2h7c4x8pfe","failure":"container workspace completed; containers of a workspace pod are not supposed to do that","message":"workspace failed"}',
]);
const gitpodPods = pods(GNS, [
  ['ws-manager-7c9d8-abcde', '1/1', 'Running', '0', '3d'],
  ['image-builder-5f6d7-fghij', '1/1', 'Running', '0', '3d'],
  ['ws-data-etl-w2h7c4x8pfe', '0/1', 'Completed', '0', '3m'],
  ['ws-web-k2c8xq1b7dm', '1/1', 'Running', '0', '5h'],
]);
const workspaceLog = (line: string) =>
  log(GNS, 'ws-data-etl-w2h7c4x8pfe', ['{"level":"info","message":"ring0 started"}', line]);
const execMissing = '{"level":"error","error":"exec /.supervisor/supervisor: no such file or directory"}';
const builderLog = (from: string) =>
  log(GNS, 'image-builder-5f6d7-fghij', [
    '{"level":"info","message":"dockerfile changed, building workspace image"}',
    `{"level":"info","step":"1/5","line":"FROM ${from}","message":"build"}`,
    '{"level":"info","ref":"workspace-images/data-etl:5e1d77c0","message":"image built and pushed"}',
  ]);
const gctx = (seen: Parameters<typeof ctx>[1]) => ctx(GNS, seen, 'Nobody can open a workspace.');

describe('logged-pod-id', () => {
  it("reads the log of a finished pod that another pod's failure line names by its id", () => {
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, managerLog]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' } },
    ]);
  });

  it('reports its failure line, and asks which image it runs when an exec found no file', () => {
    const seen = [gitpodPods, managerLog, workspaceLog(execMissing)];
    expect(loggedPodIdAnalyzer.reads(gctx(seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' } },
    ]);
    const [f] = loggedPodIdAnalyzer.finds(gctx(seen));
    expect(f?.object).toBe('pod ws-data-etl-w2h7c4x8pfe');
    expect(f?.cause).toContain('its own log says why');
    expect(f?.cause).not.toContain('glibc');
  });

  it.each([
    ['a build log on Alpine', [builderLog('alpine:3.19')], 'FROM alpine:3.19'],
    [
      'an Alpine image in its description',
      [
        observed(
          'describe_pod',
          { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' },
          '    Image:  python:3.12-alpine\n',
        ),
      ],
      'python:3.12-alpine',
    ],
  ])('explains the exec with musl and glibc on %s', (_, extra, shown) => {
    const [f] = loggedPodIdAnalyzer.finds(
      gctx([gitpodPods, managerLog, workspaceLog(execMissing), ...extra]),
    );
    expect(f?.cause).toContain(shown);
    expect(f?.cause).toContain('musl');
    expect(f?.advice).toContain('glibc-based base image');
  });

  it('does not blame Alpine when the build is on another base, or the pod runs another image', () => {
    const debian = loggedPodIdAnalyzer.finds(
      gctx([gitpodPods, managerLog, workspaceLog(execMissing), builderLog('debian:12')]),
    );
    expect(debian[0]?.cause).not.toContain('musl');
    const other = loggedPodIdAnalyzer.finds(
      gctx([
        gitpodPods,
        managerLog,
        workspaceLog(execMissing),
        builderLog('alpine:3.19'),
        observed(
          'describe_pod',
          { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' },
          '    Image:  ubuntu:24.04\n',
        ),
      ]),
    );
    expect(other[0]?.cause).not.toContain('musl');
  });

  it.each([
    [
      'the id is in an info line, not a failure',
      '{"level":"info","workspaceID":"data-etl-w2h7c4x8pfe","message":"started"}',
    ],
    ['a short id only', '{"level":"error","workspaceID":"etl-w2","message":"workspace failed"}'],
  ])('reads nothing when %s', (_, line) => {
    const manager = log(GNS, 'ws-manager-7c9d8-abcde', [line]);
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, manager]))).toEqual([]);
  });

  it('never names a running pod, nor the pod whose log it read', () => {
    const manager = log(GNS, 'ws-manager-7c9d8-abcde', [
      '{"level":"error","pod":"ws-web-k2c8xq1b7dm","message":"probe failed"}',
      '{"level":"error","pod":"ws-manager-7c9d8-abcde","message":"self check failed"}',
    ]);
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, manager]))).toEqual([]);
  });

  it('does bounded work on a long hostile line', () => {
    const hostile = log(GNS, 'ws-manager-7c9d8-abcde', [`ERROR ${'a1-'.repeat(1300)}`]);
    const plain = log(GNS, 'ws-manager-7c9d8-abcde', [`ERROR ${'a b '.repeat(1000)}`]);
    expectBounded(
      () => loggedPodIdAnalyzer.reads(gctx([gitpodPods, hostile])),
      () => loggedPodIdAnalyzer.reads(gctx([gitpodPods, plain])),
    );
  });
});

describe('logged-pod-id: a program acting on a pod it names', () => {
  it('reads nothing for a line naming a finished pod in full, or one that reports no stop', () => {
    const runs = pods('ci', [
      ['log-archiver-6d5c4-abcde', '1/1', 'Running', '0', '3d'],
      ['build-7741-linux-amd64', '0/1', 'Completed', '0', '1h'],
      ['job-runner-7742-linux-arm64', '0/1', 'Completed', '0', '1h'],
    ]);
    const archiver = log('ci', 'log-archiver-6d5c4-abcde', [
      'level=ERROR msg="stream logs" pod=build-7741-linux-amd64 err="pods \\"build-7741-linux-amd64\\" is forbidden"',
      'level=ERROR msg="stream logs" id=7742-linux-arm64 err="forbidden"',
    ]);
    expect(loggedPodIdAnalyzer.reads(ctx('ci', [runs, archiver]))).toEqual([]);
  });
});
