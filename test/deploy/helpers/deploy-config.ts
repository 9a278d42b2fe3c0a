/**
 * Checks a gateway config shipped for a deployment (compose, Kubernetes, Helm) the way the
 * gateway itself would load it: with the real loader, plugins included, and the
 * environment the deployment provides. Also lists the `${VAR}`s a config reads, so a test
 * can check the deployment sets every one.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/engine/config/index.ts';
import { readGatewaySchema } from '../../../src/engine/config/schema.ts';
import type { GatewayConfig } from '../../../src/engine/config/types.ts';

/** `${VAR}` and `${VAR:-default}` names read by a config text (not `$${VAR}` literals). */
export function variablesOf(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) if (!m[2]) names.add(m[1]!);
  return [...names].sort();
}

/**
 * Whether this build's schema has the `postgres` database store. The fleet configs use
 * it; it lands with the PostgreSQL store (issue #11.1), on a branch of its own.
 */
export function schemaHasPostgres(): boolean {
  const db = (readGatewaySchema() as { properties: { stores: { properties: { db: { oneOf: { properties: { type: { const?: string } } }[] } } } } }).properties
    .stores.properties.db;
  return db.oneOf.some((b) => b.properties.type.const === 'postgres');
}

/** Loads `file` with the real loader and `env`; fails the test with the located issues. */
export async function loadDeployConfig(file: string, env: Record<string, string>): Promise<Readonly<GatewayConfig>> {
  try {
    return (await loadConfig(file, { env })).config;
  } catch (err) {
    assert.fail(`${file} does not load:\n${(err as Error).message}`);
  }
}

/** A config that listens beyond loopback must authenticate LLM requests (issue #11.7). */
export function assertSafeOnEveryInterface(config: Readonly<GatewayConfig>): void {
  assert.ok(config.server.host !== '127.0.0.1' && config.server.host !== '::1', 'a deployment listens beyond loopback');
  assert.ok(
    config.pipeline.some((p) => p.use === 'auth') || (config.server as { allow_unauthenticated?: boolean }).allow_unauthenticated === true,
    'the LLM endpoints are behind auth',
  );
  assert.ok(config.admin?.key, 'the admin API has a key (it is off without one beyond loopback)');
}
