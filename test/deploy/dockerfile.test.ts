/**
 * The Dockerfile, linted offline (no Docker engine runs here): dockerfile-utils (the
 * validator of the VS Code Docker language service: syntax, flags, arguments) and
 * dockerfilelint (practices: pinned tags, apt-get flags, sudo…), then the properties the
 * image must have. production-build.test.ts runs its commands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import dockerfilelint from 'dockerfilelint';
import { readDockerfile } from './helpers/dockerfile.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FILE = path.join(ROOT, 'Dockerfile');
const text = readFileSync(FILE, 'utf8');
const spec = readDockerfile(FILE);
const runtime = spec.stages.at(-1)!;
const keywords = (stage: typeof runtime) => stage.instructions.map((i) => i.getKeyword());

describe('Dockerfile', function () {
  it('passes dockerfile-utils validation with no diagnostic', () => {
    assert.deepEqual(
      validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
    );
  });

  it('the linters are live: they flag a broken Dockerfile', () => {
    assert.ok(validate('FROM node:20\nHEALTHCHECK --intervall=3s CMD true\nEXPOSE abc\n').length >= 2);
    const rules = dockerfilelint.run(ROOT, 'FROM node\nRUN apt-get install curl\n').map((i) => i.rule);
    assert.ok(rules.includes('missing_tag') && rules.includes('apt-get_missing_param'), rules.join());
  });

  it('passes dockerfilelint with no finding', () => {
    assert.deepEqual(
      dockerfilelint.run(ROOT, text).map((i) => `${i.line}: ${i.rule} ${i.title}`),
      [],
    );
  });

  it('is multi-stage, from a pinned Node 20 image, and the runtime stage copies only the build output', () => {
    assert.deepEqual(
      spec.stages.map((s) => s.name),
      ['build', 'runtime'],
    );
    for (const s of spec.stages) assert.match(s.image, /^node:20\.\d+-[a-z]+-slim$/);
    const copies = runtime.instructions.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getArgumentsContent());
    assert.ok(!copies.some((c) => /\bsrc\b|\btest\b|tsconfig/.test(c ?? '')), `no sources in the runtime stage: ${copies.join(' | ')}`);
    const runs = runtime.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    assert.ok(!runs.some((r) => /npm|tsx/.test(r)), 'nothing is installed or built in the runtime stage');
    const build = spec.stages[0]!.instructions.map((i) => i.getArgumentsContent() ?? '');
    assert.ok(build.some((c) => /^npm ci\b/.test(c)) && build.some((c) => /npm run build && npm prune --omit=dev/.test(c)));
  });

  it('runs as a numeric non-root user, with a writable data volume', () => {
    assert.match(spec.user ?? '', /^[1-9]\d*:[1-9]\d*$/, 'numeric, so Kubernetes runAsNonRoot can verify it');
    assert.deepEqual(spec.volumes, ['/app/data']);
  });

  it('starts plain node on dist/ in exec form, so SIGTERM reaches node', () => {
    assert.deepEqual(spec.cmd.slice(0, 1), ['node']);
    assert.ok(spec.cmd.includes('dist/bin/llm-gateway.js') && spec.cmd.at(-1) === 'start');
    assert.ok(!spec.cmd.some((a) => /tsx|--import|--loader/.test(a)));
    assert.equal(spec.stopSignal, 'SIGTERM');
    assert.ok(!keywords(runtime).includes('ENTRYPOINT'), 'no shell wrapper in front of node');
  });

  it('has a HEALTHCHECK that asks /healthz with node (no curl in the image)', () => {
    assert.equal(spec.healthcheck.cmd[0], 'node');
    assert.match(spec.healthcheck.cmd.join(' '), /\/healthz/);
    assert.ok(spec.healthcheck.flags.interval && spec.healthcheck.flags.timeout);
  });

  it('.dockerignore keeps local state and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', 'dist', 'data', '.git', '.env']) assert.ok(ignored.includes(p), p);
    assert.ok(ignored.includes('!deploy/docker/gateway.yaml'), 'the image config stays in the context');
  });
});
