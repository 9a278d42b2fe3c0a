/**
 * What the request body's checks cost, against what they replace: the one scan of a
 * parsed body for nesting depth, with and without the repeated-key check (#9.10), the
 * UTF-8 check, and — the alternative to refusing repeated keys — re-serialising every
 * body with JSON.stringify instead of forwarding the client's bytes. JSON.parse is the
 * reference every request pays anyway. Microseconds per body, the least of ROUNDS rounds
 * (default 5), so a busy machine's noise is not measured.
 *
 *   BENCH_ONLY=json-scan npm run bench, or node --import tsx test/bench/json-scan.ts
 */
import { isUtf8 } from 'node:buffer';
import { scanJsonText } from '../../src/engine/json-depth.ts';
import { isMain } from './standalone.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const LOREM = 'The quick brown fox jumps over the lazy dog. ';
const text = (n: number) => LOREM.repeat(Math.ceil(n / LOREM.length)).slice(0, n);

/** A chat body: a system prompt, `turns` alternating messages of `len` chars, `tools` function tools. */
function chat(turns: number, len: number, tools = 0): string {
  const messages: unknown[] = [{ role: 'system', content: text(len) }];
  for (let t = 0; t < turns; t++) messages.push({ role: t % 2 ? 'assistant' : 'user', content: text(len) });
  const body: Record<string, unknown> = { model: 'gpt-4o-mini', messages, temperature: 0.2, max_tokens: 256, stream: true };
  if (tools > 0) {
    body.tools = Array.from({ length: tools }, (_, k) => ({
      type: 'function',
      function: {
        name: `tool_${k}`,
        description: 'Look something up in the knowledge base.',
        parameters: {
          type: 'object',
          properties: { query: { type: 'string', description: 'what to look for' }, limit: { type: 'integer', minimum: 1, maximum: 50 } },
          required: ['query'],
        },
      },
    }));
  }
  return JSON.stringify(body);
}

const BODIES: Array<[string, string]> = [
  ['1 KB chat, 5 messages', chat(4, 180)],
  ['2 KB chat, 5 messages, 3 tools', chat(4, 200, 3)],
  ['4 KB chat, 9 messages, 5 tools', chat(8, 300, 5)],
  ['1 MB, one long message', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text(1_000_000) }] })],
  ['1 MB, 2,000 messages', chat(2000, 480)],
  [
    '1 MB, 20,000 content parts',
    JSON.stringify({
      model: 'm',
      messages: [{ role: 'user', content: Array.from({ length: 20_000 }, () => ({ type: 'text', text: 'hello there, friend' })) }],
    }),
  ],
];

/** µs per call, least of ROUNDS rounds of about 100 ms each. */
function micros(fn: () => unknown, bytes: number): number {
  const iters = Math.max(10, Math.min(100_000, Math.floor(1e8 / bytes)));
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iters / 1000);
  }
  return best;
}

const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(0));

export async function bench(): Promise<void> {
  console.log('| body | JSON.parse | depth scan | depth + repeated keys | isUtf8 | JSON.stringify + Buffer |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, body] of BODIES) {
    const buf = Buffer.from(body);
    const parsed: unknown = JSON.parse(body);
    const row = [
      micros(() => JSON.parse(buf.toString('utf8')), body.length),
      micros(() => scanJsonText(body, { duplicates: false }), body.length),
      micros(() => scanJsonText(body), body.length),
      micros(() => isUtf8(buf), body.length),
      micros(() => Buffer.from(JSON.stringify(parsed)), body.length),
    ];
    console.log(`| ${name} (${(body.length / 1024).toFixed(1)} KB) | ${row.map(fmt).join(' | ')} |`);
  }
}

if (isMain(import.meta)) await bench();
