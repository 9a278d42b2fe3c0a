import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/llm-gateway.js');

const CONFIG = `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock, options: { chunk_delay_ms: 100 } } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline: [ { use: provider } ]
server: { host: 127.0.0.1, drain_delay: 1 }
`;

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI to its exit; stdout and stderr together. */
async function runToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = run(args, env);
  let output = '';
  child.stdout!.on('data', (c) => {
    output += c;
  });
  child.stderr!.on('data', (c) => {
    output += c;
  });
  const [code] = await once(child, 'exit');
  return { code, output };
}

/** The URL of the start-up line. stdout keeps being read afterwards: a closed pipe would end the child with EPIPE. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`gateway did not start: ${out}`)));
  });
}

describe('the llm-gateway CLI', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-cli-'));
    file = path.join(dir, 'gateway.yaml');
    await writeFile(file, CONFIG);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validate: exit 0 for a valid file, 1 with located messages for an invalid one', async () => {
    assert.equal((await runToExit(['validate', file])).code, 0);
    const badFile = path.join(dir, 'bad.yaml');
    await writeFile(badFile, CONFIG.replace('pipeline: [ { use: provider } ]', 'pipeline: [ { use: provider, config: { nope: 1 } } ]'));
    const bad = await runToExit(['validate', badFile]);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /bad\.yaml:5:\d+ pipeline\[0\]\.config/);
  });

  it('validate checks provider types and adapter options, located', async () => {
    const badFile = path.join(dir, 'bad-provider.yaml');
    await writeFile(
      badFile,
      CONFIG.replace('{ type: mock, options: { chunk_delay_ms: 100 } }', '{ type: mock, options: { chunk_delay_ms: -1, colour: red } }'),
    );
    const bad = await runToExit(['validate', badFile]);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /bad-provider\.yaml:3:\d+ providers\.local\.options\.chunk_delay_ms: must be >= 0/);
    assert.match(bad.output, /bad-provider\.yaml:3:\d+ providers\.local\.options\.colour: unknown option for type mock/);
    const typo = path.join(dir, 'bad-type.yaml');
    await writeFile(typo, CONFIG.replace('type: mock', 'type: opneai'));
    const t = await runToExit(['validate', typo]);
    assert.equal(t.code, 1);
    assert.match(t.output, /bad-type\.yaml:3:\d+ providers\.local\.type: unknown provider type "opneai"/);
  });

  it('start --config with PORT, answers, and on SIGTERM finishes in-flight streams then exits 0', async () => {
    const child = run(['start', '--config', file], { PORT: '0' });
    const url = await listening(child);
    const inflight = fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] }),
    }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 250));
    child.kill('SIGTERM');
    const text = await inflight;
    assert.ok(text.trimEnd().endsWith('data: [DONE]'), 'the in-flight stream was cut');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  it('on SIGTERM /readyz turns 503 at once while requests are still served for drain_delay, then exits 0', async () => {
    const child = run(['start', '--config', file], { PORT: '0' });
    const url = await listening(child);
    const chat = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] }),
      });
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const exited = once(child, 'exit');
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    // Not ready at once (well inside drain_delay: 1 s), yet still answering.
    let ready = 200;
    while (ready === 200 && Date.now() - signalledAt < 500) ready = (await fetch(`${url}/readyz`)).status;
    assert.equal(ready, 503);
    const readyBody = (await (await fetch(`${url}/readyz`)).json()) as { checks: { draining: boolean } };
    assert.equal(readyBody.checks.draining, true);
    const during = await chat();
    assert.equal(during.status, 200);
    assert.equal(during.headers.get('connection'), 'close', 'clients are asked to reconnect elsewhere');
    assert.ok(Date.now() - signalledAt < 1000, 'the checks above ran inside the drain delay');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - signalledAt >= 1000, 'the listener stayed open for drain_delay');
    await assert.rejects(chat(), 'the listener is closed after the drain');
  });

  it('the start-up line names the address really bound (0.0.0.0, not 127.0.0.1)', async () => {
    const wide = path.join(dir, 'wide.yaml');
    // Every interface needs auth (the config refuses an open LLM endpoint there).
    await writeFile(
      wide,
      CONFIG.replace('host: 127.0.0.1', 'host: 0.0.0.0')
        .replace('pipeline: [ { use: provider } ]', 'pipeline: [ { use: auth }, { use: provider } ]')
        .concat('keys: [ { name: t, key: sk-test-0123456789abcdef } ]\n'),
    );
    const child = run(['start', '--config', wide], { PORT: '0' });
    const url = await listening(child);
    assert.match(url, /^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(url).port;
    const r = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer sk-test-0123456789abcdef' } });
    assert.equal(r.status, 200);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  it('GATEWAY_CONFIG names the file; a bad one exits 1 with the location', async () => {
    const badFile = path.join(dir, 'bad2.yaml');
    await writeFile(badFile, 'version: 2\n');
    const r = await runToExit(['start'], { GATEWAY_CONFIG: badFile, PORT: '0' });
    assert.equal(r.code, 1);
    assert.match(r.output, /bad2\.yaml:1:\d+ version/);
  });
});
