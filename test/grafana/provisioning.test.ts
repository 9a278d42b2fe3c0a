import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DASHBOARD_DIR } from './promql.ts';
import { prometheusInstalled } from './prometheus.ts';

const ROOT = path.dirname(DASHBOARD_DIR);
const read = (rel: string) => parse(readFileSync(path.join(ROOT, rel), 'utf8'));

interface Compose {
  services: Record<string, { image: string; command?: string[]; volumes?: string[]; extra_hosts?: string[] }>;
}
interface Datasource {
  type: string;
  uid: string;
  url: string;
  jsonData: { timeInterval: string };
}
interface Provider {
  type: string;
  options: { path: string };
}
interface PromConfig {
  global: { scrape_interval: string };
  scrape_configs: { static_configs: { targets: string[] }[] }[];
}

describe('grafana provisioning, Prometheus config and compose file', () => {
  // Read in before(), so a broken file fails these tests instead of mocha's loading.
  let compose: Compose, datasource: Datasource, provider: Provider, prometheus: PromConfig;
  before(() => {
    compose = read('docker-compose.yml') as Compose;
    datasource = read('provisioning/datasources/prometheus.yaml').datasources[0] as Datasource;
    provider = read('provisioning/dashboards/llm-gateway.yaml').providers[0] as Provider;
    prometheus = read('prometheus.yml') as PromConfig;
  });

  it('provisions the Prometheus datasource with the uid the dashboards default to', () => {
    assert.equal(datasource.type, 'prometheus');
    assert.equal(datasource.uid, 'prometheus');
    assert.equal(datasource.url, 'http://prometheus:9090');
    assert.equal(datasource.jsonData.timeInterval, prometheus.global.scrape_interval, 'timeInterval must equal the scrape interval');
  });

  it('loads dashboards from the folder compose mounts grafana/dashboards on', () => {
    assert.equal(provider.type, 'file');
    assert.equal(provider.options.path, '/var/lib/grafana/dashboards');
    const grafana = compose.services.grafana!;
    assert.match(grafana.image, /^grafana\/grafana(-oss)?:\d+\.\d+\.\d+$/);
    assert.ok(grafana.volumes?.includes(`./dashboards:${provider.options.path}:ro`), 'dashboards mount');
    assert.ok(grafana.volumes?.includes('./provisioning:/etc/grafana/provisioning:ro'), 'provisioning mount');
  });

  it('runs Prometheus on grafana/prometheus.yml, reaching the host as host.docker.internal', () => {
    const prom = compose.services.prometheus!;
    assert.match(prom.image, /^prom\/prometheus:v\d+\.\d+\.\d+$/);
    assert.ok(prom.volumes?.includes('./prometheus.yml:/etc/prometheus/prometheus.yml:ro'));
    assert.ok(prom.command?.includes('--config.file=/etc/prometheus/prometheus.yml'));
    assert.ok(prom.extra_hosts?.includes('host.docker.internal:host-gateway'));
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    assert.deepEqual(targets, ['host.docker.internal:8080', 'gateway:8080']);
  });

  it('every bind mount source exists in grafana/', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        if (!v.startsWith('./')) continue;
        assert.ok(existsSync(path.join(ROOT, v.split(':')[0]!)), `${name}: ${v} has no source`);
      }
    }
  });

  it('promtool accepts grafana/prometheus.yml', function () {
    if (!prometheusInstalled()) {
      if (process.env.GATEWAY_TEST_ALLOW_NO_PROMETHEUS === '1') this.skip();
      assert.fail('promtool not on PATH: apt-get install -y prometheus (or set GATEWAY_TEST_ALLOW_NO_PROMETHEUS=1 to skip)');
    }
    const r = spawnSync('promtool', ['check', 'config', path.join(ROOT, 'prometheus.yml')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
