/**
 * fast-check generators of hostile request bodies for the LLM endpoints: mostly the
 * right shape with wrong parts (so plugins past the codec's structural check see them),
 * plus anything at all. Nulls inside arrays, wrong types for model / messages / content /
 * tools / stream / max_tokens, deep nesting, huge strings and unicode (lone surrogates
 * included).
 */
import fc from 'fast-check';

/**
 * JSON text spliced into a body as it is: nesting deep enough to overflow the stack of
 * JSON.stringify (about 10,000 levels) cannot be built as a value and then serialised.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return `RawJson(${this.text.length} chars)`;
  }
}

/** `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels deep, as JSON text. */
export function nested(depth: number, kind: 'array' | 'object'): RawJson {
  return new RawJson(kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1));
}

/** A generated body as JSON text, RawJson parts spliced in. */
export function bodyText(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_k, v: unknown) => (v instanceof RawJson ? `\u0000raw${raws.push(v.text) - 1}\u0000` : v));
  return raws.length ? text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!) : text;
}

/** Mostly below the depth limit (so plugins see it), now and then far past it. */
const deep = fc
  .record({
    depth: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 140 }) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }) }),
    kind: fc.constantFrom('array' as const, 'object' as const),
  })
  .map((d) => nested(d.depth, d.kind));

/** Text that hurts: long, non-ASCII, lone surrogates, things the detectors and routes look for. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x '.repeat(n / 2)),
  fc.constantFrom('ann@example.com', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', '\uD800', '\u0000', '𝟘'.repeat(50), 'refactor this function', 'typescript'),
);

/** Any JSON value, the hostile kinds weighted in. */
export const anything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: hostileText },
  {
    weight: 2,
    arbitrary: fc.constantFrom(null, [], {}, [null], [[]], 0, -1, 1.5, 1e308, true, '', { type: 'text' }, { type: 'text', text: 42 }, [
      { type: 'text', text: null },
    ]),
  },
);

/** One change to a well-formed body: `value` put at `path` ('-' appends to an array, '*' is the last item). */
interface Mutation {
  path: readonly string[];
  value: unknown;
}

function mutate(body: Record<string, unknown>, m: Mutation): void {
  let at: unknown = body;
  for (let i = 0; i < m.path.length - 1; i++) {
    const next = step(at, m.path[i]!);
    if (next === null || typeof next !== 'object' || next instanceof RawJson) return;
    at = next;
  }
  // A copy: a later change must not edit a value fast-check generated (it reuses them while shrinking).
  const value = m.value instanceof RawJson ? m.value : structuredClone(m.value);
  const key = m.path[m.path.length - 1]!;
  if (Array.isArray(at)) {
    if (key === '-') at.push(value);
    else at[key === '*' ? Math.max(0, at.length - 1) : Number(key)] = value;
  } else if (at !== null && typeof at === 'object') (at as Record<string, unknown>)[key] = value;
}

function step(at: unknown, key: string): unknown {
  if (Array.isArray(at)) return at[key === '*' ? at.length - 1 : Number(key)];
  return at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
}

/** A well-formed body with up to three hostile changes (a quarter of the time none). */
export function mutated(base: fc.Arbitrary<Record<string, unknown>>, paths: readonly string[]): fc.Arbitrary<unknown> {
  const mutation = fc.record({ path: fc.constantFrom(...paths).map((p) => p.split('.')), value: anything });
  return fc.tuple(base, fc.array(mutation, { maxLength: 3 })).map(([b, ms]) => {
    const body = structuredClone(b);
    for (const m of ms) mutate(body, m);
    return body;
  });
}

const goodText = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('hello there', 'refactor this function in typescript', 'mail ann@example.com'));
const textParts = fc.array(fc.record({ type: fc.constant('text'), text: goodText }), { minLength: 1, maxLength: 2 });

const chatBase = fc.record(
  {
    model: fc.constantFrom('mock-gpt', 'auto'),
    messages: fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: fc.oneof(goodText, textParts) }), {
      minLength: 1,
      maxLength: 3,
    }),
    stream: fc.boolean(),
    max_tokens: fc.integer({ min: 1, max: 2000 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
  },
  { requiredKeys: ['model', 'messages'] },
);

const CHAT_PATHS = [
  'model',
  'messages',
  'messages.-',
  'messages.0',
  'messages.*',
  'messages.0.role',
  'messages.*.content',
  'messages.0.content',
  'messages.*.content.0',
  'messages.*.content.-',
  'messages.0.name',
  'messages.0.tool_calls',
  'messages.*.tool_call_id',
  'tools',
  'tools.-',
  'tool_choice',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'n',
  'response_format',
  'user',
  'metadata',
  'extra_field',
];

export const chatBody = fc.oneof({ weight: 9, arbitrary: mutated(chatBase, CHAT_PATHS) }, { weight: 1, arbitrary: anything });

const messagesBase = fc.record(
  {
    model: fc.constantFrom('mock-gpt', 'auto'),
    max_tokens: fc.integer({ min: 1, max: 2000 }),
    system: fc.oneof(goodText, textParts),
    messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(goodText, textParts) }), { minLength: 1, maxLength: 3 }),
    stream: fc.boolean(),
  },
  { requiredKeys: ['model', 'max_tokens', 'messages'] },
);

const MESSAGES_PATHS = [
  'model',
  'max_tokens',
  'system',
  'system.0',
  'system.0.text',
  'messages',
  'messages.-',
  'messages.0',
  'messages.0.role',
  'messages.*.content',
  'messages.*.content.0',
  'messages.*.content.0.text',
  'messages.*.content.-',
  'tools',
  'tools.-',
  'tool_choice',
  'stream',
  'temperature',
  'stop_sequences',
  'metadata',
  'extra_field',
];

export const messagesBody = fc.oneof({ weight: 9, arbitrary: mutated(messagesBase, MESSAGES_PATHS) }, { weight: 1, arbitrary: anything });

const embeddingsBase = fc.record(
  { model: fc.constant('mock-embed'), input: fc.oneof(goodText, fc.array(goodText, { minLength: 1, maxLength: 3 })) },
  { requiredKeys: ['model', 'input'] },
);

const EMBEDDINGS_PATHS = ['model', 'input', 'input.0', 'input.-', 'dimensions', 'encoding_format', 'user', 'stream', 'max_tokens', 'extra_field'];

export const embeddingsBody = fc.oneof({ weight: 9, arbitrary: mutated(embeddingsBase, EMBEDDINGS_PATHS) }, { weight: 1, arbitrary: anything });
