import assert from 'node:assert/strict';
import path from 'node:path';
import { runValidate } from '../../../src/engine/config/index.ts';
import { FIXTURES } from './helpers.ts';

function capture(): { log: (l: string) => void; error: (l: string) => void; logs: string[]; errors: string[] } {
  const logs: string[] = [];
  const errors: string[] = [];
  return { logs, errors, log: (l) => logs.push(l), error: (l) => errors.push(l) };
}

describe('runValidate (llm-gateway validate)', function () {
  it('returns 0 and says so for a valid file', async function () {
    const out = capture();
    const file = path.join(FIXTURES, 'valid.yaml');
    assert.equal(await runValidate(file, out), 0);
    assert.equal(out.errors.length, 0);
    assert.match(out.logs[0]!, /valid\.yaml: valid \(1 models, 2 pipeline plugins, sha256 [0-9a-f]{12}\)$/);
  });

  it('returns 1 and prints each located issue for an invalid file', async function () {
    const out = capture();
    const file = path.join(FIXTURES, 'wrong-type.yaml');
    assert.equal(await runValidate(file, out), 1);
    assert.deepEqual(out.errors, [`${file}:16:7 pipeline[1].config.rpm: must be integer`, `${file}: 1 problem`]);
    assert.equal(out.logs.length, 0);
  });

  it('returns 1 for a missing file', async function () {
    const out = capture();
    assert.equal(await runValidate(path.join(FIXTURES, 'absent.yaml'), out), 1);
    assert.match(out.errors[0]!, /cannot read the file \(ENOENT\)/);
  });
});
