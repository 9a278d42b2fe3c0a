/**
 * An edit to the Kubernetes ConfigMap reloads running pods without a restart (issue
 * #11.6). The kubelet never writes gateway.yaml in place: the mounted folder holds
 * `gateway.yaml -> ..data/gateway.yaml` and `..data -> ..<timestamp>/`; an update writes a
 * new timestamped folder, points `..data_tmp` at it, renames `..data_tmp` over `..data`
 * and removes the old folder (AtomicWriter, pkg/volume/util/atomic_writer.go). This test
 * performs exactly that swap against a running gateway.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/engine/server/gateway.ts';

const config = (model: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: ${model}, provider: local, model: mock-gpt } ]
pipeline: [ { use: provider } ]
`;

/** A ConfigMap volume as the kubelet lays it out, and its atomic update. */
class ConfigMapVolume {
  private current = '';
  private n = 0;
  constructor(readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, 'gateway.yaml');
  }

  async create(text: string): Promise<void> {
    this.current = await this.writePayload(text);
    await symlink(this.current, path.join(this.dir, '..data'));
    await symlink('..data/gateway.yaml', this.file);
  }

  async update(text: string): Promise<void> {
    const next = await this.writePayload(text);
    await symlink(next, path.join(this.dir, '..data_tmp'));
    await rename(path.join(this.dir, '..data_tmp'), path.join(this.dir, '..data'));
    await rm(path.join(this.dir, this.current), { recursive: true, force: true });
    this.current = next;
  }

  private async writePayload(text: string): Promise<string> {
    const name = `..2026_01_01_00_00_${String(this.n++).padStart(2, '0')}.${process.pid}${this.n}`;
    await mkdir(path.join(this.dir, name));
    await writeFile(path.join(this.dir, name, 'gateway.yaml'), text);
    return name;
  }
}

describe('ConfigMap update (the kubelet ..data symlink swap) against a running gateway', function () {
  this.timeout(30_000);
  let dir: string;
  let volume: ConfigMapVolume;
  let gw: RunningGateway;

  const models = async () => ((await (await fetch(`${gw.url}/v1/models`)).json()) as { data: { id: string }[] }).data.map((m) => m.id);
  const status = async () => (await (await fetch(`${gw.url}/admin/config/status`)).json()) as { status: string; generation: number };

  /** Polls until `check` holds; returns how long it took. */
  async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
    const t0 = Date.now();
    while (!(await check())) {
      if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - t0;
  }

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-configmap-'));
    volume = new ConfigMapVolume(dir);
    await volume.create(config('model-v1'));
    gw = await startGateway({ configPath: volume.file, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), defaultMetrics: false });
    // Let the watcher settle before the first swap.
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    await gw?.close(1000);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the new config within two seconds of the swap', async () => {
    assert.deepEqual(await models(), ['model-v1']);
    await volume.update(config('model-v2'));
    const took = await within(2000, async () => (await models()).includes('model-v2'));
    console.log(`      served the new ConfigMap ${took} ms after the swap`);
    assert.deepEqual(await models(), ['model-v2']);
    assert.equal((await status()).status, 'ok');
  });

  it('a bad edit is reported and the running config keeps serving; the next good edit applies', async () => {
    const before = await status();
    await volume.update('version: 1\nproviders: {}\nmodels: nope\n');
    await within(2000, async () => (await status()).status === 'failed');
    assert.equal((await status()).generation, before.generation, 'no new generation');
    assert.deepEqual(await models(), ['model-v2']);
    await volume.update(config('model-v3'));
    await within(2000, async () => (await models()).includes('model-v3'));
  });

  it('a third swap in a row is still seen (the watch survives the old folder being removed)', async () => {
    await volume.update(config('model-v4'));
    await within(2000, async () => (await models()).includes('model-v4'));
  });
});
