import {
  type Analyzer,
  clip,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podDeployment,
  type Read,
} from './types.js';

// gRPC's refusal of a frame longer than the receive limit: "Received message larger than max (577990500 vs 4194304)".
const TOO_LARGE = /Received message larger than max \((\d{1,10}) vs (\d{1,10})\)/i;
// The address a client says it connects to: `connecting to ledger at ledger-core.ledger.svc:8080`.
const ADDRESS =
  /\b([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})(?:\.svc(?:\.[a-z0-9.-]{0,100})?)?:(\d{2,5})\b/;

/**
 * The four bytes a gRPC frame's length field was read from, as text when each is printable ASCII:
 * a length of 576,941,924 is 0x22 0x63 0x6f 0x64, `"cod`, from a JSON body `{"code": …}` (its `{`
 * read as the compressed flag); 1,414,811,695 is `TTP/`, from an HTTP/1 status line. Undefined when any
 * byte is not printable.
 */
export function lengthAsText(length: number): string | undefined {
  if (!Number.isInteger(length) || length < 0x20202020 || length > 0x7e7e7e7e) return undefined;
  const bytes = [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
  return bytes.every((b) => b >= 0x20 && b <= 0x7e) ? String.fromCharCode(...bytes) : undefined;
}

interface Refused {
  readonly pod: string;
  readonly line: string;
  readonly text: string;
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
}

function refused(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Refused | undefined {
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    const lines = log.content.slice(-200_000).split('\n');
    const at = lines.findIndex((l) => l.length <= 2000 && TOO_LARGE.test(l));
    if (at < 0) continue;
    const line = lines[at]!;
    const text = lengthAsText(Number(TOO_LARGE.exec(line)![1]));
    // The address it dialled, said before the failure.
    const said = lines
      .slice(0, at + 1)
      .reverse()
      .map((l) => (l.length <= 2000 ? ADDRESS.exec(l) : null))
      .find(Boolean);
    if (!text || !said) continue;
    return {
      pod: String(log.args['name']),
      line: line.trim(),
      text,
      service: said[1]!,
      namespace: said[2]!,
      port: Number(said[3]),
    };
  }
  return undefined;
}

/** The named ports of a described Service: `Port: grpc  9090/TCP`. */
function servicePorts(text: string): { name: string; port: number }[] {
  return [...text.matchAll(/^Port:\s+(\S{1,63})\s+(\d{1,5})\/TCP\s*$/gm)].map((m) => ({
    name: m[1]!,
    port: Number(m[2]),
  }));
}

/**
 * A gRPC client pointed at a port that does not speak gRPC (a REST/JSON gateway, a plain HTTP port):
 * it reads the start of the text reply as a frame header, whose length field then announces an
 * impossible message ("Received message larger than max (577990500 vs 4194304)"), and gives up with
 * RESOURCE_EXHAUSTED. The length's four bytes spell text (`"cod`, `TTP/`), which no real message size
 * does; raising the receive limit would not help. Found from the client's log, the address it dialled
 * and the Service's named ports; the fix points the address at the gRPC port.
 */
export const grpcWrongPortAnalyzer: Analyzer = {
  name: 'grpc-wrong-port',
  first: true,
  reads({ ns, seen }): Read[] {
    const r = refused(seen, ns);
    return r ? [{ tool: 'describe_service', args: { namespace: r.namespace, name: r.service } }] : [];
  },
  finds({ ns, seen }) {
    const r = refused(seen, ns);
    if (!r) return [];
    const svc = outputs(
      seen,
      'describe_service',
      (o) => o.status === 'ok' && o.args['name'] === r.service && o.args['namespace'] === r.namespace,
    ).pop();
    const ports = svc ? servicePorts(svc.content) : [];
    const grpc = ports.find((p) => /grpc/i.test(p.name) && p.port !== r.port);
    const dialled = ports.find((p) => p.port === r.port);
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content ?? '';
    // The variable that holds the address: `LEDGER_ADDR:  ledger-core.ledger.svc:8080` in the pod's environment.
    const variable = new RegExp(
      `^\\s+([A-Z][A-Z0-9_]{0,62}):\\s+\\S{0,300}\\b${r.service}\\.${r.namespace}\\S{0,120}:${r.port}\\b`,
      'm',
    ).exec(d)?.[1];
    const container = /^Containers:\n\s{2}([a-z0-9][a-z0-9-]{0,62}):/m.exec(d)?.[1];
    const deployment = ownerDeployment(d) ?? podDeployment(r.pod);
    const target = `${r.service}.${r.namespace}.svc:${grpc?.port ?? '<grpc port>'}`;
    const out: Finding = {
      weight: 92,
      object: deployment ? `deployment ${deployment} (pod ${r.pod})` : `pod ${r.pod}`,
      cause: `${r.pod} dials ${r.service}.${r.namespace} on port ${r.port}${dialled ? ` (the Service's "${dialled.name}" port)` : ''}${variable ? `, set by ${variable}` : ''}, which does not speak gRPC${grpc ? `: the gRPC port is ${grpc.port} ("${grpc.name}")` : ''}. The client reads the start of the text (HTTP/JSON) reply as a gRPC frame header, so its length field announces an impossible message: "${clip(r.line, 160)}" — the length's four bytes spell the text ${JSON.stringify(r.text)}, not a size. The messages did not grow; raising the receive limit would not help`,
      evidence: [
        `get_pod_logs ${r.pod}: "${clip(r.line, 160)}"`,
        ...(svc
          ? [
              `describe_service ${r.service} (${r.namespace}): ports ${ports.map((p) => `${p.name} ${p.port}`).join(', ')}`,
            ]
          : []),
      ],
      advice: `point ${variable ?? 'the client address'} at ${target}${variable ? '' : ' (the gRPC port)'}`,
      ...(variable && container && grpc
        ? envFix(
            ns,
            deployment,
            container,
            [{ name: variable, value: target }],
            `set ${variable}=${target}, the gRPC port`,
          )
        : {}),
      revisionSound: true,
    };
    return [out];
  },
};
