/**
 * Starts a gateway on an ephemeral port from YAML text written to a temp folder, with a
 * silent logger (or one that captures lines, for secret-leak checks).
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/engine/server/gateway.ts';
import { REDACT_PATHS } from '../../src/engine/logger.ts';

export interface TestGateway extends RunningGateway {
  dir: string;
  configPath: string;
  /** Log lines written so far (when started with captureLogs). */
  logs: string[];
  writeConfig(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestGateway(yaml: string, opts: Partial<StartOptions> & { captureLogs?: boolean } = {}): Promise<TestGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-test-'));
  const configPath = path.join(dir, 'gateway.yaml');
  await writeFile(configPath, yaml);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = opts.captureLogs ? pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink) : pino({ level: 'silent' });
  const gw = await startGateway({ configPath, port: 0, host: '127.0.0.1', logger, defaultMetrics: false, watch: false, ...opts });
  return Object.assign(gw, {
    dir,
    configPath,
    logs,
    writeConfig: (text: string) => writeFile(configPath, text),
    async stop() {
      await gw.close(2000);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** The load error of a config the gateway must refuse to start with (fails the test if it starts). */
export async function startupError(yaml: string): Promise<string> {
  try {
    const gw = await startTestGateway(yaml);
    await gw.stop();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected the gateway to refuse the config');
}

/** The smallest config that serves a mock model. */
export function mockConfig(extra = ''): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, capabilities: [chat, stream, tools, json_mode], pricing: { input_per_1m: 1, output_per_1m: 2 } }
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline: [ { use: metrics }, { use: validation }, { use: provider } ]
${extra}`;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, headers: r.headers, json };
}
