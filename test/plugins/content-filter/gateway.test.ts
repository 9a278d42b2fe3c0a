/**
 * content-filter through a real gateway over real sockets: request rules on chat,
 * messages and embeddings (what the upstream really received, from the fake OpenAI
 * server's recorded requests), answer rules on mock providers whose reply is fixed
 * (non-streamed and streamed, matches split across chunks), the metric, and that the
 * matched text never reaches an error body or a log line.
 */
import assert from 'node:assert/strict';
import { startTestGateway, startupError, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';

const KEY = 'sk-proj-Zq8' + 'x7Kp2Lm9Vb4Nc1Wd6Hf3Jg5'; // split so the source holds no whole key
const EMAIL = 'bob.smith@example.org';
const CARD = '4111 1111 1111 1111';

// The mock's `reply` option answers every prompt with the same text. Words stream one
// chunk each, so the phrases below arrive split across chunks.
const LEAKY = `Sure, write to ${EMAIL} about project top secret today`;
const CODES = 'Fine, the launch codes are 0000 and that is all';

function configFor(up: FakeOpenAI): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  up: { type: openai, base_url: "${up.url}/v1", api_key: "k", retry: { attempts: 1 } }
  local: { type: mock }
  leaky: { type: mock, options: { reply: "${LEAKY}" } }
  codes: { type: mock, options: { reply: "${CODES}" } }
models:
  - { name: up-gpt, provider: up, model: up-model }
  - { name: up-embed, provider: up, model: up-embed }
  - { name: mock-gpt, provider: local, model: mock-gpt }
  - { name: leaky, provider: leaky, model: leaky }
  - { name: codes, provider: codes, model: codes }
pipeline:
  - use: metrics
  - use: validation
  - use: content-filter
    config:
      rules:
        - { name: secrets, pii: [secret], action: block, direction: both }
        - { name: pii, pii: [email, credit_card], action: redact }
        - { name: competitor, keywords: [acme corp], action: log, direction: both }
        - { name: up-only, regex: { pattern: "classified", flags: i }, action: block, models: [up-gpt] }
        - { name: fruit, keywords: [banana], action: redact, endpoints: [embeddings] }
        - { name: answer-email, pii: [email], action: redact, direction: response }
        - { name: phrase, keywords: [project top secret], action: redact, direction: response }
        - { name: codename, keywords: [launch codes], action: block, direction: response }
  - use: provider
`;
}

const chat = (model: string, content: unknown, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content }], ...extra });

/** Content text and finish reasons of an OpenAI SSE stream, and whether it ended with [DONE]. */
function parseSse(text: string): { content: string; finish: string[]; done: boolean; usage: boolean; raw: string } {
  let content = '';
  const finish: string[] = [];
  let usage = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const d = JSON.parse(line.slice(6));
    if (d.usage) usage = true;
    for (const c of d.choices ?? []) {
      if (typeof c.delta?.content === 'string') content += c.delta.content;
      if (c.finish_reason) finish.push(c.finish_reason);
    }
  }
  return { content, finish, done: text.trimEnd().endsWith('data: [DONE]'), usage, raw: text };
}

async function stream(url: string, body: unknown): Promise<string> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return r.text();
}

async function metric(gw: TestGateway, labels: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_content_filter_matches_total{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('content-filter plugin (gateway)', () => {
  let up: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    up = await startFakeOpenAI();
    gw = await startTestGateway(configFor(up), { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  const lastUpstream = () => up.requests.at(-1)!;
  const sentMessages = () => lastUpstream().body.messages as Array<{ role: string; content: any }>;

  describe('requests', () => {
    it("chat: redact sends [REDACTED:<rule>] upstream instead of the client's bytes", async () => {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('up-gpt', `mail ${EMAIL}, card ${CARD}, thanks`));
      assert.equal(r.status, 200);
      assert.deepEqual(lastUpstream().body.messages, [{ role: 'user', content: 'mail [REDACTED:pii], card [REDACTED:pii], thanks' }]);
    });

    it('chat: block refuses with 400 content_policy_violation naming the rule, and the upstream is not called', async () => {
      const before = up.requests.length;
      const r = await postJson(`${gw.url}/v1/chat/completions`, {
        model: 'up-gpt',
        messages: [
          { role: 'system', content: 'be nice' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hello' },
              { type: 'text', text: `my key is ${KEY}` },
            ],
          },
        ],
      });
      assert.equal(r.status, 400);
      assert.equal(r.json.error.code, 'content_policy_violation');
      assert.equal(r.json.error.type, 'invalid_request_error');
      assert.equal(r.json.error.param, 'messages[1].content[1].text');
      assert.match(r.json.error.message, /rule "secrets"/);
      assert.ok(!JSON.stringify(r.json).includes(KEY.slice(0, 12)), 'the error echoes the key');
      assert.equal(up.requests.length, before);
    });

    it('chat: log passes the request unchanged', async () => {
      const text = 'Is Acme  Corp better than Acme Corporation?';
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('up-gpt', text));
      assert.equal(r.status, 200);
      assert.equal(sentMessages()[0]!.content, text);
    });

    it('models: a rule limited to a model leaves the others alone', async () => {
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat('up-gpt', 'CLASSIFIED report'))).status, 400);
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat('mock-gpt', 'CLASSIFIED report'))).status, 200);
    });

    it('messages: text blocks are filtered, other blocks pass; a block is an Anthropic-shaped 400', async () => {
      const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
      const r = await postJson(`${gw.url}/v1/messages`, {
        model: 'up-gpt',
        max_tokens: 50,
        system: `reply to ${EMAIL}`,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: `card ${CARD}` },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
            ],
          },
        ],
      });
      assert.equal(r.status, 200);
      const sent = sentMessages();
      assert.deepEqual(sent[0], { role: 'system', content: 'reply to [REDACTED:pii]' });
      assert.deepEqual(sent[1]!.content[0], { type: 'text', text: 'card [REDACTED:pii]' });
      assert.equal(sent[1]!.content[1].type, 'image_url');

      const b = await postJson(`${gw.url}/v1/messages`, { model: 'up-gpt', max_tokens: 50, messages: [{ role: 'user', content: `use ${KEY}` }] });
      assert.equal(b.status, 400);
      assert.equal(b.json.type, 'error');
      assert.equal(b.json.error.type, 'invalid_request_error');
      assert.match(b.json.error.message, /rule "secrets"/);
    });

    it('embeddings: each string input is filtered; an endpoint-limited rule applies only there', async () => {
      const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'up-embed', input: ['banana bread', 'plain', `to ${EMAIL}`] });
      assert.equal(r.status, 200);
      assert.deepEqual(lastUpstream().body.input, ['[REDACTED:fruit] bread', 'plain', 'to [REDACTED:pii]']);
      await postJson(`${gw.url}/v1/chat/completions`, chat('up-gpt', 'banana bread'));
      assert.equal(sentMessages()[0]!.content, 'banana bread');

      const b = await postJson(`${gw.url}/v1/embeddings`, { model: 'up-embed', input: `key ${KEY}` });
      assert.equal(b.status, 400);
      assert.equal(b.json.error.param, 'input');
    });
  });

  describe('answers', () => {
    it('non-streamed: redact rewrites the answer', async () => {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('leaky', 'hi'));
      assert.equal(r.status, 200);
      assert.equal(r.json.choices[0].message.content, 'Sure, write to [REDACTED:answer-email] about [REDACTED:phrase] today');
    });

    it('non-streamed: block answers 400 content_policy_violation instead (chat and messages)', async () => {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('codes', 'hi'));
      assert.equal(r.status, 400);
      assert.equal(r.json.error.code, 'content_policy_violation');
      assert.match(r.json.error.message, /response was blocked .*rule "codename"/);
      assert.ok(!r.json.error.message.includes('launch'));
      const m = await postJson(`${gw.url}/v1/messages`, { model: 'codes', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(m.status, 400);
      assert.equal(m.json.error.type, 'invalid_request_error');
    });

    it('streamed: matches split across chunks are redacted; the stream ends normally', async () => {
      const s = parseSse(await stream(`${gw.url}/v1/chat/completions`, chat('leaky', 'hi', { stream: true })));
      assert.equal(s.content, 'Sure, write to [REDACTED:answer-email] about [REDACTED:phrase] today');
      assert.deepEqual(s.finish, ['stop']);
      assert.ok(s.done);
    });

    it('streamed: a block split across chunks ends the stream with finish_reason content_filter, before the match is sent', async () => {
      const s = parseSse(await stream(`${gw.url}/v1/chat/completions`, chat('codes', 'hi', { stream: true, stream_options: { include_usage: true } })));
      assert.deepEqual(s.finish, ['content_filter']);
      assert.ok(!s.raw.includes('launch'), s.raw);
      assert.ok(!s.content.includes('0000'));
      assert.ok(s.done, 'a clean end: data: [DONE]');
      assert.ok(s.usage, 'the usage chunk still comes');
    });

    it('streamed on /v1/messages: a block ends with stop_reason refusal', async () => {
      const text = await stream(`${gw.url}/v1/messages`, { model: 'codes', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      assert.match(text, /"stop_reason":"refusal"/);
      assert.match(text, /event: message_stop/);
      assert.ok(!text.includes('launch'));
    });

    it('a request-only rule does not touch answers', async () => {
      // mock-gpt echoes the prompt; the email in it is redacted on the way in, so the
      // echo carries the marker — while the answer-side email rule finds nothing.
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('mock-gpt', 'ping 10.0.0.1'));
      assert.equal(r.json.choices[0].message.content, 'Mock reply to: ping 10.0.0.1');
    });
  });

  describe('metric and logs', () => {
    it('counts matches by rule, action and direction', async () => {
      const before = await metric(gw, 'rule="pii",action="redact",direction="request"');
      await postJson(`${gw.url}/v1/chat/completions`, chat('up-gpt', `${EMAIL} and ${EMAIL} and ${CARD}`));
      assert.equal(await metric(gw, 'rule="pii",action="redact",direction="request"'), before + 3);
      const blocks = await metric(gw, 'rule="codename",action="block",direction="response"');
      await postJson(`${gw.url}/v1/chat/completions`, chat('codes', 'hi'));
      await stream(`${gw.url}/v1/chat/completions`, chat('codes', 'hi', { stream: true }));
      await new Promise((r) => setTimeout(r, 50)); // onDone runs after the last byte
      assert.equal(await metric(gw, 'rule="codename",action="block",direction="response"'), blocks + 2);
      const flagged = await metric(gw, 'rule="competitor",action="log",direction="response"');
      await stream(`${gw.url}/v1/chat/completions`, chat('mock-gpt', 'acme corp', { stream: true }));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await metric(gw, 'rule="competitor",action="log",direction="response"'), flagged + 1);
    });

    it('logs name the rule and never the matched text', async () => {
      const logs = gw.logs.join('');
      assert.match(logs, /"rule":"secrets"/);
      assert.match(logs, /"rule":"competitor".*"msg":"content filter: flagged"/);
      for (const s of [KEY.slice(0, 12), EMAIL, CARD, 'launch codes', 'Acme  Corp']) assert.ok(!logs.includes(s), `a log line holds "${s}"`);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.ok(!metrics.includes(EMAIL) && !metrics.includes(KEY.slice(0, 12)));
    });
  });
});

describe('content-filter plugin (two instances)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: content-filter
    id: outer
    config: { rules: [ { name: a, keywords: [alpha], action: redact, direction: response } ] }
  - use: content-filter
    id: inner
    config: { rules: [ { name: b, keywords: [beta], action: redact, direction: response } ] }
  - use: provider
`);
  });
  after(async () => {
    await gw.stop();
  });

  it('each keeps its own per-request state', async () => {
    // The mock echoes the prompt; each instance redacts its own word in the answer.
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('m', 'alpha beta gamma'));
    assert.equal(r.json.choices[0].message.content, 'Mock reply to: [REDACTED:a] [REDACTED:b] gamma');
    const s = parseSse(await stream(`${gw.url}/v1/chat/completions`, chat('m', 'beta alpha gamma', { stream: true })));
    assert.equal(s.content, 'Mock reply to: [REDACTED:b] [REDACTED:a] gamma');
    assert.deepEqual(s.finish, ['stop']);
  });
});

describe('content-filter plugin (max_scan_chars)', () => {
  let gw: TestGateway;
  before(async () => {
    // Two instances, one per model, to try both over_limit modes in one gateway.
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: strict, provider: local, model: strict }, { name: lenient, provider: local, model: lenient } ]
pipeline:
  - use: content-filter
    id: strict
    config: { max_scan_chars: 40, rules: [ { name: pii, pii: [email], action: redact, models: [strict] } ] }
  - use: content-filter
    id: lenient
    config: { max_scan_chars: 40, over_limit: scan_prefix, rules: [ { name: pii, pii: [email], action: redact, models: [lenient] } ] }
  - use: provider
`);
  });
  after(async () => {
    await gw.stop();
  });

  const long = `mail a@b.io first, ${'x'.repeat(40)} then c@d.io`;

  it('over_limit block: a longer text is refused unscanned (fail closed)', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('strict', long));
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'content_policy_violation');
    assert.match(r.json.error.message, /max_scan_chars/);
    assert.equal(
      (await postJson(`${gw.url}/v1/chat/completions`, chat('strict', 'short a@b.io'))).json.choices[0].message.content,
      'Mock reply to: short [REDACTED:pii]',
    );
  });

  it('over_limit scan_prefix: the first max_scan_chars are scanned, the rest passes', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('lenient', long));
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, `Mock reply to: mail [REDACTED:pii] first, ${'x'.repeat(40)} then c@d.io`);
  });
});

describe('content-filter plugin (config)', () => {
  const base = (rules: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: content-filter
    config:
      rules:
${rules}
  - use: provider
`;

  it('a bad regex is refused at load, located in the file', async () => {
    const msg = await startupError(
      base('        - { name: ok, keywords: [a], action: log }\n        - name: broken\n          action: block\n          regex: { pattern: "(unclosed" }'),
    );
    assert.match(msg, /gateway\.yaml:12:\d+ pipeline\[0\]\.config\.rules\[1\]\.regex\.pattern: must match format "regex"/);
  });

  it('an unknown pii type is refused at load, located in the file', async () => {
    const msg = await startupError(base('        - { name: p, pii: [email, passport], action: redact }'));
    assert.match(msg, /gateway\.yaml:9:35 pipeline\[0\]\.config\.rules\[0\]\.pii\[1\]: must be one of/);
  });

  it('a rule needs exactly one matcher; a regex invalid only under its flags, or matching nothing, is located too', async () => {
    assert.match(
      await startupError(base('        - { name: none, action: log }')),
      /gateway\.yaml:9:11 pipeline\[0\]\.config\.rules\[0\]: must match exactly one schema in oneOf/,
    );
    assert.match(
      await startupError(base('        - { name: two, keywords: [a], pii: [email], action: log }')),
      /gateway\.yaml:9:11 pipeline\[0\]\.config\.rules\[0\]: must match exactly one schema in oneOf/,
    );
    assert.match(
      await startupError(base('        - { name: uni, regex: { pattern: "\\\\-", flags: u }, action: log }')),
      /gateway\.yaml:9:\d+ pipeline\[0\]\.config\.rules\[0\]\.regex\.pattern: is not a valid regular expression with flags "u"/,
    );
    assert.match(
      await startupError(base('        - { name: empty, regex: { pattern: "a*" }, action: redact }')),
      /gateway\.yaml:9:\d+ pipeline\[0\]\.config\.rules\[0\]\.regex\.pattern: matches the empty string/,
    );
    assert.match(
      await startupError(base('        - { name: d, keywords: [a], action: log }\n        - { name: d, keywords: [b], action: log }')),
      /gateway\.yaml:10:\d+ pipeline\[0\]\.config\.rules\[1\]: another rule has this name/,
    );
  });
});
