import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { allPanels, familyOf, loadDashboards, metricNames, parseExposition, queriesOf, substitute, variableMetrics } from './promql.ts';
import { prometheusInstalled, startPrometheus, waitForScrapes, type RunningPrometheus } from './prometheus.ts';
import { dashboardConfig, driveTraffic } from './traffic.ts';

const DS = { type: 'prometheus', uid: '${datasource}' };
const dashboards = loadDashboards();
/**
 * Declared by the engine (src/engine/metrics.ts) but never set by the server yet, so it
 * has no sample: its panels render "No data" until the server updates it. Exempt from the
 * has-samples check only; it must still be declared.
 */
/** Panels that must show at least one series with a positive value after the traffic. */
const MUST_HAVE_DATA = [
  'Request rate by route and status',
  'Latency p50 / p95 / p99',
  'Tokens / s by type',
  'Spend USD / hour by model',
  'Time to first token p95 (streams)',
  'Errors by code',
  'Config generation',
  'Rate-limit decisions',
  'Limit refusals by code',
  'Upstream attempts by deployment and outcome',
  'Circuit breaker state by deployment',
  'A/B variants',
  'Usage rows queued / s',
];

describe('grafana dashboards: JSON model', () => {
  it('finds both dashboards with distinct uids and titles', () => {
    assert.deepEqual(
      dashboards.map((d) => d.file),
      ['limits-routing.json', 'overview.json'],
    );
    assert.deepEqual(dashboards.map((d) => d.dashboard.title).sort(), ['LLM Gateway — Limits & Routing', 'LLM Gateway — Overview']);
    assert.equal(new Set(dashboards.map((d) => d.dashboard.uid)).size, 2);
  });

  for (const { file, dashboard: d } of dashboards) {
    it(`${file}: uid, schema version, unique panel ids, layout inside 24 columns`, () => {
      assert.match(d.uid, /^[a-z0-9-]{1,40}$/);
      assert.ok(d.schemaVersion >= 36 && d.schemaVersion <= 41, `schemaVersion ${d.schemaVersion}`);
      const ids = allPanels(d).map((p) => p.id);
      assert.ok(
        ids.every((id) => Number.isInteger(id) && id > 0),
        `bad ids: ${ids}`,
      );
      assert.equal(new Set(ids).size, ids.length, `duplicate panel ids in ${ids}`);
      for (const p of allPanels(d)) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `panel ${p.id} overflows`);
    });

    it(`${file}: datasource, model and provider variables; every query on \${datasource}`, () => {
      const vars = new Map(d.templating.list.map((v) => [v.name, v]));
      assert.equal(vars.get('datasource')?.type, 'datasource');
      assert.equal(vars.get('datasource')?.query, 'prometheus');
      for (const name of ['model', 'provider']) {
        const v = vars.get(name);
        assert.equal(v?.type, 'query', `$${name} missing`);
        assert.deepEqual(v.datasource, DS);
        assert.match(typeof v.query === 'string' ? v.query : v.query!.query, new RegExp(`^label_values\\(.+, ${name}\\)$`));
      }
      for (const p of allPanels(d).filter((p) => p.type !== 'row')) {
        assert.deepEqual(p.datasource, DS, `panel ${p.id} "${p.title}" datasource`);
        assert.ok(p.targets?.length, `panel ${p.id} "${p.title}" has no query`);
        assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `panel ${p.id} repeats a refId`);
        for (const t of p.targets) {
          assert.deepEqual(t.datasource, DS, `panel ${p.id} "${p.title}" target ${t.refId} datasource`);
          assert.ok(t.expr.trim(), `panel ${p.id} target ${t.refId} has no expr`);
        }
      }
      for (const a of d.annotations?.list ?? []) if (a.expr) assert.deepEqual(a.datasource, DS, `annotation ${a.name}`);
    });
  }
});

describe('grafana dashboards: PromQL metric-name extraction', () => {
  it('keeps selectors, drops functions, labels, grouping, strings, ranges and numbers', () => {
    assert.deepEqual(metricNames('histogram_quantile(0.95, sum by (le, model) (rate(gateway_a_bucket{model=~"gateway_not_me", x="}"}[$__rate_interval])))'), [
      'gateway_a_bucket',
    ]);
    assert.deepEqual(metricNames('sum(rate(gateway_a_total[5m])) / clamp_min(sum without (x) (gateway_b), 1e-9) * 3600 or on (job) vector(0)'), [
      'gateway_a_total',
      'gateway_b',
    ]);
    assert.deepEqual(metricNames('count(max by (d) (gateway_c{d=~"$d"}) == 1) and bool gateway_d offset 5m'), ['gateway_c', 'gateway_d']);
  });

  it('maps _bucket/_sum/_count to a histogram family only, and refuses a bare histogram name', () => {
    const families = new Map([
      ['h_seconds', 'histogram'],
      ['s', 'summary'],
      ['jobs_count', 'counter'],
      ['g', 'gauge'],
    ] as const);
    assert.equal(familyOf('h_seconds_bucket', families), 'h_seconds');
    assert.equal(familyOf('h_seconds_count', families), 'h_seconds');
    assert.equal(familyOf('s_sum', families), 's');
    assert.equal(familyOf('s_bucket', families), undefined);
    assert.equal(familyOf('jobs_count', families), 'jobs_count');
    assert.equal(familyOf('g_count', families), undefined);
    assert.equal(familyOf('h_seconds', families), undefined);
  });

  it('substitutes variables the way the test queries Prometheus', () => {
    assert.equal(substitute('rate(x{m=~"$model",p=~"${provider}"}[$__rate_interval]) [$__range] [$__interval]'), 'rate(x{m=~".*",p=~".*"}[1m]) [5m] [15s]');
    assert.throws(() => substitute('x[$__unknown]'), /no test value/);
  });
});

describe('grafana dashboards: queries against a real gateway', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  let exposition: string;
  let firstRound: Record<string, number[]>;

  before(async () => {
    gw = await startTestGateway(dashboardConfig(), { defaultMetrics: true });
    firstRound = await driveTraffic(gw);
    await gw.writeConfig(dashboardConfig('  - { name: mock-new, provider: local, model: mock-new }'));
    assert.equal((await gw.runtime.reload()).ok, true);
    await gw.writeConfig('version: 1\nproviders: [');
    assert.equal((await gw.runtime.reload()).ok, false);
    exposition = await (await fetch(`${gw.url}/metrics`)).text();
  });
  after(async () => {
    await gw?.stop();
  });

  it('the traffic did what it claims (so the metrics below mean something)', () => {
    assert.deepEqual(firstRound, {
      chat: [200, 200, 200, 200],
      stream: [200, 200],
      fallback: [200],
      hedged: [200],
      invalid: [400],
      unauthenticated: [401],
      'plugin-throws': [500],
      tight: [200, 429, 429],
    });
  });

  it('every metric a dashboard queries is in /metrics, with samples', () => {
    const { families, sampled } = parseExposition(exposition);
    const used = new Map<string, string>();
    for (const { dashboard: d } of dashboards) {
      for (const q of queriesOf(d)) for (const name of metricNames(q.expr)) used.set(name, q.where);
      for (const v of variableMetrics(d)) used.set(v.metric, v.where);
    }
    assert.ok(used.size >= 25, `only ${used.size} metric names found: the extraction is broken`);
    const problems: string[] = [];
    for (const [name, where] of used) {
      if (!name.startsWith('gateway_')) problems.push(`${where}: ${name} is not a gateway metric`);
      const family = familyOf(name, families);
      if (!family) problems.push(`${where}: ${name} is not in /metrics`);
      else if (!sampled.has(name)) problems.push(`${where}: ${name} has no sample after the traffic`);
    }
    assert.deepEqual(problems, []);
  });

  it('a real Prometheus scraping the gateway answers every panel query; the core panels have data', async function () {
    if (!prometheusInstalled()) {
      if (process.env.GATEWAY_TEST_ALLOW_NO_PROMETHEUS === '1') this.skip();
      assert.fail('prometheus/promtool not on PATH: apt-get install -y prometheus (or set GATEWAY_TEST_ALLOW_NO_PROMETHEUS=1 to skip)');
    }
    const prom: RunningPrometheus = await startPrometheus(`127.0.0.1:${gw.port}`);
    try {
      const first = await waitForScrapes(prom, 1);
      await driveTraffic(gw); // counters move between scrapes, so rates are positive
      await waitForScrapes(prom, first + 2);
      const up = await prom.query('up{job="llm-gateway"}');
      assert.equal(up.data?.result[0]?.value[1], '1', `the gateway target is not up: ${JSON.stringify(up)}`);

      const failures: string[] = [];
      const withData = new Set<string>();
      for (const { dashboard: d } of dashboards) {
        for (const q of queriesOf(d)) {
          const r = await prom.query(substitute(q.expr));
          if (r.status !== 'success') {
            failures.push(`${q.where}: ${r.errorType} ${r.error}`);
            continue;
          }
          if (r.data!.result.some((s) => Number(s.value[1]) > 0) && q.panel) withData.add(q.panel.title);
        }
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(
        MUST_HAVE_DATA.filter((t) => !withData.has(t)),
        [],
        'panels without a positive series',
      );
    } finally {
      await prom.stop();
    }
  });
});
