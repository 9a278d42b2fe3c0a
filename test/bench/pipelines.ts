/**
 * The pipelines the benchmark and the profiler measure, in one place so that a profile
 * explains exactly what `npm run bench` timed.
 */

export const BENCH_KEY = 'sk-bench-0000000000000000000000000000';

/** The core pipeline, as the value of `pipeline:`. */
export const CORE_PIPELINE = '[ { use: metrics }, { use: validation }, { use: provider } ]';

/** Config lines for the full pipeline: its key and `pipeline:` (auth, limits, budget, router, audit). */
export const FULL_PIPELINE = `keys: [ { name: bench, key: "${BENCH_KEY}" } ]
pipeline:
  - use: metrics
  - use: auth
  - use: validation
  - use: rate-limit
    config: { limits: [ { per: key, rpm: 100000000, tpm: 1000000000000 } ] }
  - use: budget
    config: { budgets: [ { per: key, limit: 1000000000, period: monthly } ] }
  - use: router
    config: { aliases: { auto: [bench-model] } }
  - use: audit
  - use: provider`;
