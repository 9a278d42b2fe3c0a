/**
 * The production build and the container image's commands, run for real: the Dockerfile's
 * build stage (`npm run build`, `npm prune --omit=dev`) and runtime stage (COPY --from,
 * ENV, CMD, HEALTHCHECK) replayed in a temp dir (see helpers/dockerfile.ts for the two
 * steps that are substituted), then the gateway started from dist/ with plain node and
 * production dependencies only, as the image starts it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDockerfile, replayBuild, type ImageSpec, type Replayed } from './helpers/dockerfile.ts';
import { loopbackUrl, spawnGateway, type GatewayProcess } from './helpers/process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const API_KEY = 'sk-image-test-0123456789';
const ADMIN_KEY = 'admin-image-test-0123456789';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU time (user + system, every thread) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

const chat = (url: string, body: object, key = API_KEY) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });

describe('production build and container image (Dockerfile replayed)', function () {
  this.timeout(180_000);
  let spec: ImageSpec;
  let tmp: string;
  let built: Replayed;
  let app: string;
  // The container's environment: the image's ENV and the variables `docker run -e` adds.
  // Nothing is inherited from this process (no NODE_OPTIONS, no NODE_PATH, no loader).
  let env: Record<string, string>;
  const running: GatewayProcess[] = [];

  const start = (extra: Record<string, string> = {}) => {
    const [cmd, ...args] = spec.cmd;
    assert.equal(cmd, 'node');
    return spawnGateway(process.execPath, args, { cwd: app, env: { ...env, ...extra } }).then((p) => (running.push(p), p));
  };

  before(function () {
    spec = readDockerfile(path.join(ROOT, 'Dockerfile'));
    tmp = mkdtempSync(path.join(os.tmpdir(), 'gw-image-'));
    // Node looks for node_modules in every parent folder: none may exist above the
    // replayed image, or a dev dependency could be found there.
    for (let d = path.dirname(tmp); ; d = path.dirname(d)) {
      assert.ok(!existsSync(path.join(d, 'node_modules')), `${d}/node_modules would leak packages into the test`);
      if (d === path.dirname(d)) break;
    }
    built = replayBuild(spec, ROOT, tmp);
    app = built.dirs[spec.stages.at(-1)!.name]!;
    env = { PATH: process.env.PATH!, HOME: os.tmpdir(), ...spec.env, PORT: '0', GATEWAY_API_KEY: API_KEY, GATEWAY_ADMIN_KEY: ADMIN_KEY };
  });

  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('skips only the steps that need root in an image', () => {
    assert.deepEqual(
      built.skipped.map((s) => s.split(' ')[0]),
      ['apt-get', 'mkdir'],
    );
  });

  it('the runtime image holds dist/ and production dependencies only: no TypeScript, no loader', () => {
    assert.deepEqual(readdirSync(app).sort(), ['config', 'dist', 'node_modules', 'package.json']);
    assert.ok(existsSync(path.join(app, 'dist/bin/llm-gateway.js')));
    assert.ok(existsSync(path.join(app, 'dist/src/engine/workers/worker.js')), 'the compiled piscina worker');
    assert.ok(existsSync(path.join(app, 'dist/schemas/gateway.schema.json')), 'the schema read at run time');
    const sources = execFileSync('find', [path.join(app, 'dist'), '-name', '*.ts', '-not', '-name', '*.d.ts'])
      .toString()
      .trim();
    assert.equal(sources, '', 'no TypeScript source in dist/');
    // Anywhere in the tree, nested copies included.
    const dirs = execFileSync('find', [path.join(app, 'node_modules'), '-type', 'd', '-name', '*'])
      .toString()
      .split('\n');
    for (const dev of ['tsx', 'typescript', 'mocha', 'esbuild', 'eslint', 'openai', 'kubernetes-models']) {
      assert.ok(!dirs.some((d) => d.endsWith(`/node_modules/${dev}`)), `${dev} is a dev dependency`);
    }
    for (const prod of ['piscina', 'better-sqlite3', 'pino', 'undici']) assert.ok(existsSync(path.join(app, 'node_modules', prod, 'package.json')));
  });

  it('CMD starts on plain node and answers a request', async () => {
    // How fast (issue #11: within 1.5 s of process start) is measured by `npm run bench`
    // (test/bench/startup.ts), not asserted here: a timed test measures the machine's load.
    const t0 = performance.now();
    const gw = await start();
    const url = loopbackUrl(gw.url);
    let r = await chat(url, {}).catch(() => undefined);
    while (!r || r.status !== 200) r = await chat(url, {}).catch(() => undefined);
    console.log(`      start → first answer: ${Math.round(performance.now() - t0)} ms (CPU ${Math.round(cpuMs(gw.child.pid!))} ms)`);
    assert.match(((await r.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content, /hello/);
    gw.child.kill('SIGKILL');
    await gw.exited;
  });

  it('the image config binds every interface, requires keys, streams, and the HEALTHCHECK command passes', async () => {
    const gw = await start();
    assert.match(gw.url, /^http:\/\/0\.0\.0\.0:\d+$/, 'the start-up line names the address really bound');
    const url = loopbackUrl(gw.url);
    assert.equal((await chat(url, {}, 'sk-wrong-key-0123456789')).status, 401);
    const stream = await (await chat(url, { stream: true })).text();
    assert.ok(stream.trimEnd().endsWith('data: [DONE]'));
    assert.equal((await fetch(`${url}/admin/config/status`)).status, 401, 'admin needs the key');
    assert.equal((await fetch(`${url}/admin/config/status`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status, 200);
    const [hcmd, ...hargs] = spec.healthcheck.cmd;
    assert.equal(hcmd, 'node', 'no curl in the image: the health check runs node');
    const health = (port: string) => spawnSync(process.execPath, hargs, { env: { ...env, PORT: port }, timeout: 10_000 }).status;
    assert.equal(health(new URL(url).port), 0);
    gw.child.kill((spec.stopSignal ?? 'SIGTERM') as NodeJS.Signals);
    assert.equal(await gw.exited, 0, 'STOPSIGNAL drains and exits 0');
    assert.equal(health(new URL(url).port), 1, 'and fails once the gateway is gone');
  });

  it('runs the worker pool from dist/ and loads a JavaScript plugin folder (index.js) on plain node', async () => {
    // A config of one's own, mounted over the image's: a folder plugin with only index.js,
    // and a semantic cache whose long prompts go through the piscina worker.
    const dir = path.join(app, 'custom');
    mkdirSync(path.join(dir, 'plugins/tagger'), { recursive: true });
    writeFileSync(
      path.join(dir, 'plugins/tagger/index.js'),
      `export default { name: 'tagger', version: '1.0.0', engine: '^1.0.0', configSchema: { type: 'object' },
  create() { return { onResponse(ctx) { ctx.responseHeaders['x-tagged'] = 'yes'; } }; } };\n`,
    );
    writeFileSync(
      path.join(dir, 'gateway.yaml'),
      `version: 1
server: { host: 127.0.0.1, drain_delay: 0 }
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline: [ { use: ./plugins/tagger }, { use: semantic-cache, config: { partition_by: none } }, { use: provider } ]
`,
    );
    const gw = await start({ GATEWAY_CONFIG: 'custom/gateway.yaml' });
    const long = 'tell me about the weather in the mountains. '.repeat(60); // > the 1,000-char inline limit
    const body = { messages: [{ role: 'user', content: long }] };
    const first = await chat(gw.url, body);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-tagged'), 'yes');
    assert.equal(first.headers.get('x-gateway-cache'), 'miss');
    const second = await chat(gw.url, body);
    assert.equal(second.headers.get('x-gateway-cache'), 'hit', gw.output());
    assert.doesNotMatch(gw.output(), /worker|tsx|ERR_/i);
  });
});
