/**
 * The usage table. Rows are queued in memory and written in one transaction every
 * `flushMs` or once `batch` rows wait, so the request path never waits on disk.
 */
import type { Database } from 'better-sqlite3';
import type { UsageGroup, UsageQuery, UsageRow, UsageTotals } from './types.ts';

const GROUP_EXPR: Record<UsageGroup, string> = {
  key: 'key_id',
  user: 'user_id',
  team: 'team_id',
  model: 'model',
  day: 'substr(ts, 1, 10)',
};

export function usageRepo(db: Database, opts: { flushMs?: number; batch?: number; onError?: (err: Error) => void } = {}) {
  const flushMs = opts.flushMs ?? 100;
  const batch = opts.batch ?? 500;
  const insert = db.prepare(`INSERT INTO usage (ts, request_id, key_id, user_id, team_id, model, provider, tokens_in,
    tokens_out, tokens_cached, cost, latency_ms, status) VALUES (@ts, @request_id, @key_id, @user_id, @team_id, @model,
    @provider, @tokens_in, @tokens_out, @tokens_cached, @cost, @latency_ms, @status)`);
  const insertMany = db.transaction((rows: UsageRow[]) => {
    for (let i = 0; i < rows.length; i++) insert.run(rows[i]);
  });
  // One statement per grouping, prepared once: the group expression cannot be a parameter.
  const queries = new Map<UsageGroup, ReturnType<Database['prepare']>>();
  for (const [g, expr] of Object.entries(GROUP_EXPR) as [UsageGroup, string][]) {
    queries.set(
      g,
      db.prepare(`SELECT ${expr} AS "group", COUNT(*) AS requests, SUM(tokens_in) AS tokens_in,
      SUM(tokens_out) AS tokens_out, SUM(tokens_cached) AS tokens_cached, SUM(cost) AS cost FROM usage
      WHERE (@from IS NULL OR ts >= @from) AND (@to IS NULL OR ts < @to) AND (@key_id IS NULL OR key_id = @key_id)
      AND (@user_id IS NULL OR user_id = @user_id) AND (@team_id IS NULL OR team_id = @team_id)
      AND (@model IS NULL OR model = @model) GROUP BY 1 ORDER BY cost DESC, 1`),
    );
  }

  let queue: UsageRow[] = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const rows = queue;
    queue = [];
    try {
      insertMany(rows);
    } catch (err) {
      opts.onError?.(err as Error);
    }
  }

  return {
    flush,
    record(row: UsageRow): void {
      queue.push(row);
      if (queue.length >= batch) flush();
      else if (!timer) {
        timer = setTimeout(flush, flushMs);
        timer.unref();
      }
    },
    query(q: UsageQuery): UsageTotals[] {
      flush();
      return queries.get(q.group_by)!.all({
        from: q.from ?? null,
        to: q.to ?? null,
        key_id: q.key_id ?? null,
        user_id: q.user_id ?? null,
        team_id: q.team_id ?? null,
        model: q.model ?? null,
      }) as UsageTotals[];
    },
  };
}
