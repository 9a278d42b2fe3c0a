/**
 * A rolling restart of one of three replicas under steady load gives 0 failed requests
 * (issue #11.9). Three gateway processes sit behind a balancer that follows /readyz, as
 * HAProxy and Kubernetes do; one gets SIGTERM, drains, exits 0 and is replaced while
 * non-streamed requests and long streams keep flowing. Nothing retries.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReadinessBalancer } from './helpers/balancer.ts';
import { spawnGateway, type GatewayProcess } from './helpers/process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DRAIN_S = 1;
// 15 stream chunks 100 ms apart: a stream started just before SIGTERM outlives the drain
// delay, so it must be finished by the grace period, after the listener has closed.
const STREAM_WORDS = 'one two three four five six seven eight nine ten eleven twelve';

const CONFIG = `version: 1
server: { host: 127.0.0.1, drain_delay: ${DRAIN_S}, shutdown_grace_s: 10 }
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock, options: { chunk_delay_ms: 100 } } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline: [ { use: validation }, { use: provider } ]
`;

interface Outcome {
  backend: string;
  sentAt: number;
  stream: boolean;
  ok: boolean;
  error?: string;
}

async function send(backend: string, stream: boolean): Promise<Outcome> {
  const sentAt = Date.now();
  try {
    const r = await fetch(`${backend}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', stream, messages: [{ role: 'user', content: stream ? STREAM_WORDS : 'hi' }] }),
    });
    const text = await r.text();
    const complete = stream ? text.trimEnd().endsWith('data: [DONE]') && text.includes('twelve') : text.includes('Mock reply to: hi');
    return { backend, sentAt, stream, ok: r.status === 200 && complete, error: r.status === 200 ? (complete ? undefined : 'truncated') : `status ${r.status}` };
  } catch (err) {
    return { backend, sentAt, stream, ok: false, error: String((err as Error).cause ?? err) };
  }
}

describe('rolling restart behind a readiness-following balancer', function () {
  this.timeout(90_000);
  let dir: string;
  let config: string;
  const procs: GatewayProcess[] = [];
  const start = () =>
    spawnGateway(process.execPath, [path.join(ROOT, 'bin/llm-gateway.js'), 'start', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' },
    }).then((p) => (procs.push(p), p));

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-rolling-'));
    config = path.join(dir, 'gateway.yaml');
    await writeFile(config, CONFIG);
  });
  after(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces one of three replicas under steady load with 0 failed requests', async () => {
    const [a, b, c] = await Promise.all([start(), start(), start()]);
    const lb = new ReadinessBalancer(100);
    for (const p of [a!, b!, c!]) lb.add(p.url);
    await lb.start();
    const outcomes: Outcome[] = [];
    let loadRunning = true;
    // Four clients back to back: two non-streamed, two streaming.
    const clients = [false, false, true, true].map(async (stream) => {
      while (loadRunning) {
        const backend = lb.pick();
        if (!backend) throw new Error('no ready backend: the balancer has nowhere to send');
        outcomes.push(await send(backend, stream));
      }
    });

    await new Promise((r) => setTimeout(r, 1500));
    // A stream on the replica about to go, so one is surely in flight when SIGTERM lands.
    const pinned = send(b!.url, true);
    await new Promise((r) => setTimeout(r, 200));
    const signalledAt = Date.now();
    b!.child.kill('SIGTERM');
    const code = await b!.exited;
    const stoppedAt = Date.now();
    lb.remove(b!.url);
    const replacement = await start();
    lb.add(replacement.url);
    while (!lb.isReady(replacement.url)) await new Promise((r) => setTimeout(r, 50));
    const joinedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    loadRunning = false;
    await Promise.all(clients);
    outcomes.push(await pinned);
    lb.stop();

    const failed = outcomes.filter((o) => !o.ok);
    const onB = outcomes.filter((o) => o.backend === b!.url);
    console.log(
      `      ${outcomes.length} requests (${outcomes.filter((o) => o.stream).length} streams), ${failed.length} failed; ` +
        `replica drained and exited in ${stoppedAt - signalledAt} ms`,
    );
    assert.deepEqual(failed, [], 'failed requests');
    assert.equal(code, 0, 'the replica exits 0');
    assert.ok(stoppedAt - signalledAt >= DRAIN_S * 1000, 'it kept its listener open for drain_delay');
    assert.ok(
      onB.some((o) => o.sentAt > signalledAt && !o.stream),
      'requests sent after SIGTERM (before the balancer noticed) were still served',
    );
    assert.ok(
      onB.some((o) => o.stream && o.sentAt < signalledAt),
      'a stream in flight at SIGTERM finished',
    );
    assert.ok(
      outcomes.some((o) => o.backend === replacement.url && o.sentAt >= joinedAt),
      'the replacement took traffic',
    );
    assert.ok(outcomes.length > 100, `steady load: ${outcomes.length} requests`);
  });
});
