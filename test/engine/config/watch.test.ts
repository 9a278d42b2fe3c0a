import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchConfig, type ConfigWatcher } from '../../../src/engine/config/index.ts';

describe('watchConfig', function () {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;
  let calls: number;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-watch-'));
    file = path.join(dir, 'gateway.yaml');
    await writeFile(file, 'version: 1\n');
    calls = 0;
    watcher = watchConfig(
      file,
      () => {
        calls++;
      },
      { debounceMs: 100 },
    );
    await watcher.ready;
  });

  afterEach(async function () {
    await watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('calls once for a rename-save (temp file renamed over the config)', async function () {
    const tmp = path.join(dir, '.gateway.yaml.tmp');
    await writeFile(tmp, 'version: 1\n# edited\n');
    await rename(tmp, file);
    await sleep(600);
    assert.equal(calls, 1);
    // The watch survives the inode swap: a second save is seen too.
    await writeFile(file, 'version: 1\n# again\n');
    await sleep(600);
    assert.equal(calls, 2);
  });

  it('debounces a burst of 5 writes within 50 ms into one call', async function () {
    for (let i = 0; i < 5; i++) {
      await writeFile(file, `version: 1\n# ${i}\n`);
      await sleep(10);
    }
    await sleep(600);
    assert.equal(calls, 1);
  });

  it('sees the file again after unlink + add', async function () {
    await unlink(file);
    await sleep(300);
    await writeFile(file, 'version: 1\n# back\n');
    await sleep(600);
    assert.equal(calls, 1);
  });

  it('ignores other files in the directory', async function () {
    await writeFile(path.join(dir, 'other.yaml'), 'x: 1\n');
    await sleep(500);
    assert.equal(calls, 0);
  });

  it('calls on SIGHUP, and stops listening after close', async function () {
    const before = process.listenerCount('SIGHUP');
    process.emit('SIGHUP');
    await sleep(250);
    assert.equal(calls, 1);
    await watcher!.close();
    watcher = undefined;
    assert.equal(process.listenerCount('SIGHUP'), before - 1);
  });
});
