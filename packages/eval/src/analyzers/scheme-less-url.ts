import { loggedContainerEnv } from './env-values.js';
import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  envFix,
  type Finding,
  outputs,
  podObject,
} from './types.js';

/**
 * Protocols whose clients take a server setting as a URL with its scheme (MQTT.js' `connect(brokerUrl)`,
 * which Zigbee2MQTT's `mqtt.server` feeds; the AMQP 0-9-1 URI spec's `amqp://`; NATS' `nats://`), told by a
 * word of the variable's name, with the scheme for the port the value gives (the IANA ports: MQTT 1883, MQTT
 * over TLS 8883, AMQP 5672, AMQPS 5671, NATS 4222).
 */
const PROTOCOLS: readonly { name: string; word: RegExp; scheme: (port: number) => string | undefined }[] = [
  { name: 'MQTT', word: /^MQTT$/, scheme: (p) => (p === 8883 ? 'mqtts' : p === 1883 ? 'mqtt' : undefined) },
  {
    name: 'AMQP|RabbitMQ',
    word: /^(?:AMQP|RABBIT|RABBITMQ)$/,
    scheme: (p) => (p === 5671 ? 'amqps' : p === 5672 ? 'amqp' : undefined),
  },
  { name: 'NATS', word: /^NATS$/, scheme: (p) => (p === 4222 ? 'nats' : undefined) },
];

/** A client's word that it did connect (`Connected to MQTT broker`, `connection established`). */
const CONNECTED = /\b(?:connected to|connection established|successfully connected)\b/i;

/** The last part of a name that says it holds a URL or the server's address as one. */
const URL_PART = /^(?:URL|URI|SERVER|BROKER)$/;

/** `host:port` with no scheme: a DNS name or an IPv4 address, then a port. Anchored, bounded. */
const HOST_PORT = /^([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?):(\d{2,5})$/i;

/**
 * A client's own words that it could not connect (MQTT.js' and Zigbee2MQTT's "MQTT failed to connect",
 * libraries' "connection refused", Node's ECONNREFUSED, "could not connect", "Invalid URL"). Bounded.
 */
const CONNECT_FAILED =
  /\b(?:failed to connect|could not connect|couldn't connect|unable to connect|cannot connect|can't connect|connection refused|ECONNREFUSED|invalid (?:url|uri)|connect error)\b/i;

/** A word that is an address (`db:5432`, `10.0.0.7:5432:`), anchored at both ends so each word costs one pass. */
const ADDRESS = /^([a-z0-9][a-z0-9.-]{0,252}):(\d{2,5}):?$/i;

/** Whether a line names an address, none of them this client's (its host, or its port on a loopback or IP). */
function namesAnother(line: string, host: string, port: string): boolean {
  let any = false;
  for (const word of line.slice(0, 4000).split(/[\s"'(),;=<>[\]{}]+/)) {
    const m = ADDRESS.exec(word);
    if (!m) continue;
    any = true;
    if (m[1]!.toLowerCase() === host || `:${m[2]}` === port) return false;
  }
  return any;
}

interface Bare {
  readonly pod: string;
  readonly container: string;
  readonly variable: string;
  readonly value: string;
  readonly scheme: string;
  readonly owner: string | undefined;
  readonly failed: string;
  readonly said: string | undefined;
}

/**
 * The variable of a failing client whose value is a bare `host:port` where its protocol's clients take a
 * URL: its name says the protocol and that it holds the server (`ZIGBEE2MQTT_CONFIG_MQTT_SERVER`,
 * `RABBITMQ_URL`), its port is the protocol's, and the same log says it could not connect.
 */
function bare(ctx: Parameters<Analyzer['finds']>[0]): Bare | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(log.content);
    if (!lines.some((l) => CONNECT_FAILED.test(l))) continue;
    let scheme: string | undefined;
    let word: RegExp | undefined;
    const hit = loggedContainerEnv(ctx.seen, ctx.ns, log, (e) => {
      const m = HOST_PORT.exec(e.value);
      if (!m) return false;
      const parts = e.name.toUpperCase().split(/[_.-]/);
      if (!URL_PART.test(parts[parts.length - 1] ?? '')) return false;
      for (const p of PROTOCOLS)
        if (parts.some((w) => p.word.test(w))) {
          const s = p.scheme(Number(m[2]));
          if (s) {
            scheme = s;
            word = new RegExp(`\\b(?:${p.name}|broker)\\b`, 'i');
            return true;
          }
        }
      return false;
    });
    if (!hit || !scheme || !word) continue;
    const cut = hit.value.lastIndexOf(':');
    const host = hit.value.slice(0, cut).toLowerCase();
    const port = hit.value.slice(cut);
    const named = word;
    // The failure of this client: the line names its server (host, port, the protocol, a broker), or comes
    // within three lines of one that names the value (`Connecting to MQTT server at host:1883`).
    const at = lines.findIndex(
      (l, i) =>
        CONNECT_FAILED.test(l) &&
        !namesAnother(l, host, port) &&
        (l.toLowerCase().includes(host) ||
          l.includes(port) ||
          named.test(l) ||
          lines.slice(Math.max(0, i - 3), i).some((x) => x.includes(hit.value))),
    );
    if (at < 0) continue;
    // A client that connected after all (a retry): the value works for it.
    if (lines.slice(at + 1).some((l) => CONNECTED.test(l))) continue;
    const said = lines.find((l) => l.includes(hit.value));
    return { ...hit, scheme, failed: lines[at]!.trim(), said: said?.trim() };
  }
  return undefined;
}

/**
 * A server setting written as a bare `host:port` where the protocol's clients take a URL with its scheme
 * (`mosquitto:1883` for `mqtt://mosquitto:1883`): the client reads the host as the URL's scheme and the port
 * as its path, or refuses it, so it never reaches the server and the program exits (Zigbee2MQTT: "MQTT failed
 * to connect, exiting..."). The server and the credentials are not the problem. The fix (`set_env`) puts the
 * scheme in front of the value.
 */
export const schemeLessUrlAnalyzer: Analyzer = {
  name: 'scheme-less-url',
  reads: () => [],
  finds(ctx): Finding[] {
    const b = bare(ctx);
    if (!b) return [];
    const fixed = `${b.scheme}://${b.value}`;
    return [
      {
        weight: 92 + bonus(b.owner ?? b.pod, ctx.hints),
        object: podObject(b.owner, b.pod),
        cause: `${b.variable} of container ${b.container} is "${clip(b.value, 120)}", a bare host and port without the ${b.scheme}:// scheme: the client takes that setting as a URL (${fixed}), so without the scheme it cannot use the address and never reaches the server ("${clip(b.failed, 160)}")${b.said ? ` right after "${clip(b.said, 140)}"` : ''}; the program exits at every start. The server itself and the credentials are not the problem: the value is missing its ${b.scheme}:// scheme`,
        evidence: [
          `logs of ${b.pod}: "${clip(b.failed, 200)}"`,
          `describe_pod ${b.pod}: ${b.variable}=${clip(b.value, 120)} (no scheme)`,
        ],
        advice: `set ${b.variable} to ${clip(fixed, 140)} (the same host and port with the ${b.scheme}:// scheme) and let it roll out`,
        ...envFix(
          ctx.ns,
          b.owner,
          b.container,
          [{ name: b.variable, value: fixed }],
          `set ${b.variable} of ${b.owner}/${b.container} to ${clip(fixed, 120)}`,
        ),
      },
    ];
  },
};
