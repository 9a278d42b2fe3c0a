/**
 * The offline first run (issue #10.5), beyond what the client matrix checks
 * (test/integration/clients/: every library's chat, stream, tool loop and structured output
 * on the shipped gateway.yaml): the mock honours the Vercel AI SDK's toolChoice, answers
 * realistic nested schemas both ways LangChain asks, and its faults can rehearse an outage
 * through the real pipeline (Retry-After to the client, cut streams, fallbacks).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateText, generateObject, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { startTestGateway, startupError, postJson, type TestGateway } from '../../helpers/gateway.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

const Recipe = z.object({
  name: z.string().min(1),
  servings: z.number().int().positive(),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number().nonnegative() })).min(1),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  source: z.url().optional(),
});

describe('the mock provider with the Vercel AI SDK and LangChain (the default config, offline)', () => {
  let gw: TestGateway;
  before(async () => {
    // The repository's own gateway.yaml, as a new user runs it (database in memory here).
    const yaml = (await readFile(path.join(ROOT, 'gateway.yaml'), 'utf8')).replace(/db: \{ type: sqlite[^}]*\}/, 'db: { type: memory }');
    gw = await startTestGateway(yaml);
  });
  after(async () => {
    await gw.stop();
  });

  describe('Vercel AI SDK', () => {
    const model = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'none' }).chat('mock-gpt');
    const weather = tool({
      description: 'Get the weather for a city',
      inputSchema: z.object({ city: z.string(), unit: z.enum(['c', 'f']) }),
      execute: async ({ city, unit }) => ({ city, unit, temperature: 15 }),
    });

    it('toolChoice required / named / none', async () => {
      const search = tool({ description: 'Search', inputSchema: z.object({ q: z.string() }), execute: async () => 'found' });
      const named = await generateText({ model: model(), tools: { weather, search }, toolChoice: { type: 'tool', toolName: 'search' }, prompt: 'weather?' });
      assert.equal(named.toolCalls[0]!.toolName, 'search');
      const none = await generateText({ model: model(), tools: { weather }, toolChoice: 'none', prompt: 'weather?' });
      assert.equal(none.toolCalls.length, 0);
      assert.equal(none.text, 'Mock reply to: weather?');
    });

    it('generateObject: an object the schema accepts (json_schema)', async () => {
      const r = await generateObject({ model: model(), schema: Recipe, prompt: 'A pancake recipe' });
      assert.deepEqual(Recipe.parse(r.object), r.object);
      assert.equal(r.finishReason, 'stop');
    });
  });

  describe('LangChain', () => {
    const chat = () => new ChatOpenAI({ model: 'mock-gpt', apiKey: 'none', configuration: { baseURL: `${gw.url}/v1` }, maxRetries: 0 });
    it('withStructuredOutput (json schema and function calling): the parsed object', async () => {
      for (const method of ['jsonSchema', 'functionCalling'] as const) {
        const v = await chat().withStructuredOutput(Recipe, { method }).invoke('A pancake recipe');
        assert.deepEqual(Recipe.parse(v), v, method);
      }
    });
  });
});

describe('mock faults through the gateway: rehearsing an outage offline', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  limited: { type: mock, retry: { attempts: 1 }, options: { faults: { error_rate: 1, error_status: 429, retry_after_s: 9 } } }
  down: { type: mock, retry: { attempts: 1 }, options: { faults: { error_rate: 1, error_status: 503 } } }
  flaky: { type: mock, options: { faults: { cut_stream_rate: 1, cut_after_chunks: 1 } } }
  backup: { type: mock, options: { reply: from the backup } }
models:
  - { name: limited, provider: limited, model: m }
  - { name: primary, provider: down, model: m }
  - { name: backup, provider: backup, model: m }
  - { name: flaky, provider: flaky, model: m }
pipeline:
  - use: provider
    config: { routing: { fallbacks: { primary: { unavailable: [backup] } } } }
`);
  });
  after(async () => {
    await gw.stop();
  });
  const ask = (model: string, stream = false) => ({ model, stream, messages: [{ role: 'user', content: 'hi' }] });

  it('a 429 fault reaches the client as 429 with Retry-After', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, ask('limited'));
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'rate_limit_exceeded');
    assert.equal(r.headers.get('retry-after'), '9');
  });

  it('a provider that is down falls back to the next model', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, ask('primary'));
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, 'from the backup');
  });

  it('a cut stream ends with an error event, never [DONE]', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask('flaky', true)),
    });
    const text = await res.text();
    assert.ok(!text.includes('[DONE]'));
    assert.equal(JSON.parse(text.trim().split('\n\n').pop()!.slice(6)).error.code, 'bad_upstream_response');
  });

  it('fault options are validated when the config loads', async () => {
    const msg = await startupError(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock, options: { faults: { error_rate: 2, surprise: true } } } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
`);
    assert.match(msg, /providers\.local\.options\.faults\.error_rate: must be <= 1/);
    assert.match(msg, /providers\.local\.options\.faults\.surprise: unknown option for type mock/);
  });
});
