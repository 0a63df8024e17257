import { type Analyzer, clip, outputs } from './types.js';

/** The kubelet's event for a finished pull: `Successfully pulled image "x" in 2m48.512s (…). Image size: 3412998144 bytes.` */
const PULLED = /Successfully pulled image "([^"\s]{1,300})" in ((?:\d{1,4}h)?(?:\d{1,4}m)?(?:[\d.]{1,8}s)?)/;
const SIZE = /Image size: (\d{1,14}) bytes/;
const PRESENT = /Container image "([^"\s]{1,300})" already present on machine/;

/** Seconds of a Go duration (`2m48.512s`). */
function seconds(d: string): number {
  let s = 0;
  for (const [, n, u] of d.matchAll(/([\d.]{1,8})(h|m|s)/g))
    s += Number(n) * (u === 'h' ? 3600 : u === 'm' ? 60 : 1);
  return s;
}

/**
 * A slow start that was the first pull of a large image onto a node: the kubelet pulls an image once
 * per node and reuses it ("already present on machine"), so the first pod on a new node waits for
 * the whole download while later ones start in seconds. Expected, not a broken node or registry;
 * pre-pulling (a DaemonSet, a node image) or a smaller image avoids the wait.
 */
export const firstPullSlowAnalyzer: Analyzer = {
  name: 'first-pull-slow',
  reads() {
    return [];
  },
  finds() {
    return [];
  },
  notes({ task, ns, seen }) {
    if (!/\bslow|took [^.]{0,40}to start|minutes to start|start(?:ed)? slowly/i.test(task.slice(0, 4000)))
      return [];
    const lines = [
      ...outputs(seen, 'get_events', (o) => o.args['namespace'] === ns),
      ...outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns),
    ].flatMap((o) => o.content.split('\n').filter((l) => l.length <= 4000));
    const pulled = lines.map((l) => ({ l, m: PULLED.exec(l) })).find((x) => x.m && seconds(x.m[2]!) >= 60);
    if (!pulled?.m) return [];
    const image = pulled.m[1]!;
    const present = lines.find((l) => PRESENT.exec(l)?.[1] === image);
    const bytes = Number(SIZE.exec(pulled.l)?.[1] ?? 0);
    const size = bytes ? ` (${(bytes / 1e9).toFixed(1)} GB)` : '';
    return [
      `The slow start was the first pull of the image ${image}${size} onto its node: the kubelet downloaded it in ${pulled.m[2]} ("${clip(pulled.l.trim(), 150)}")${present ? `, and later pods on the node found it already present and started in seconds ("${clip(present.trim(), 110)}")` : ''}. An image is pulled once per node and then cached, so the first pod on a new node waits for the whole download. That is expected: nothing is broken in the node or the registry and no action is needed; pre-pulling the image on new nodes or a smaller image would shorten the first start.`,
    ];
  },
};
