// The redactor on 1 MB of adversarial text per rule: repeated prefixes, near misses, endless runs
// of a token's characters, unclosed quotes and unclosed private-key blocks. Prints microseconds per
// KB (median of several runs) and the ratio to a plain scan that reads every character of the same
// 1 MB once, the floor for any scanner. Reads the source, since the rule table is not exported.
import { redactSecrets } from '../src/redact.js';
import { TOKEN_RULES } from '../src/redact-rules.js';

const SIZE = Number(process.env.BENCH_BYTES ?? 1 << 20);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  fn(); // warm up
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

/** The floor: read every character once. */
function plainScan(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return sum;
}

const inputs: [rule: string, shape: string, text: string][] = [
  ['(none)', 'ordinary log lines', fill('2024-05-01T12:00:00Z INFO GET /api/v1/orders 200 in 12ms\n')],
  [
    '(none)',
    'kubectl describe',
    fill('    Environment:\n      DB_PASSWORD:  <set to the key "password" in secret "db">\n'),
  ],
  ['private key', 'BEGIN repeated, never END', fill('-----BEGIN RSA PRIVATE KEY-----\n')],
  ['private key', 'BEGIN labels, no dashes', fill('-----BEGIN ')],
  ['jwt', 'eyJ- run, no dots', fill('eyJ-')],
  ['jwt', 'two parts repeated', fill('eyJhbGciOiJ.eyJzdWIiOiJ-')],
];
for (const rule of TOKEN_RULES) {
  const prefix = rule.prefixes[0]!;
  const c = rule.body[0]!;
  inputs.push([rule.name, `${prefix} repeated`, fill(prefix)]);
  inputs.push([rule.name, `${prefix} near misses`, fill(`${prefix}${c.repeat(rule.min - 1)}!`)]);
  inputs.push([rule.name, `${prefix} then 1 MB run`, `${prefix}${fill(c)}`]);
}
inputs.push(
  ['bearer token', 'scheme repeated', fill('Bearer ')],
  ['bearer token', 'scheme then 1 MB credential', `Bearer ${fill('a/')}`],
  ['password in a URL', 'scheme://user: repeated', fill('a://b:c')],
  ['password in a URL', '1 MB of @ in a password', `x://u:${fill('p@')}`],
  ['secret-named variable', "'auth.' repeated", fill('auth.')],
  ['secret-named variable', 'unclosed quote, 1 MB', `password: "${fill('p')}`],
  ['secret-named variable', 'opening quotes repeated', fill('password: "')],
  ['secret-named variable', 'JSON-escaped keys repeated', fill('\\"password\\": \\"')],
  ['secret-named variable', 'placeholders repeated', fill('token=$(')],
  ['secret-named variable', 'keyword run, no separator', fill('tokensecretpassword')],
);

const base = time(() => plainScan(inputs[0]![2]));
const kb = SIZE / 1024;
console.log(
  `redactSecrets on ${kb} KB per input, median of ${REPEATS} (plain scan: ${((base * 1000) / kb).toFixed(2)} µs/KB)`,
);
console.log(`${'rule'.padEnd(32)}${'input'.padEnd(34)}${'µs/KB'.padStart(9)}${'× scan'.padStart(9)}`);
let worst = 0;
for (const [rule, shape, text] of inputs) {
  const ms = time(() => redactSecrets(text));
  worst = Math.max(worst, ms / base);
  console.log(
    `${rule.padEnd(32)}${shape.padEnd(34)}${((ms * 1000) / kb).toFixed(1).padStart(9)}${(ms / base).toFixed(0).padStart(9)}`,
  );
}
console.log(`worst: ${worst.toFixed(0)}× a plain scan`);
