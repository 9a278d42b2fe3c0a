/**
 * Soft-threshold alerts: a log line, a metric, and an optional webhook POST (undici
 * fetch, with a timeout, fire-and-forget: a slow or failing webhook never holds a
 * request). Exactly one replica fires per period: the increment that crosses the
 * threshold is atomic in the state store.
 */
import { fetch } from 'undici';
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../../engine/metrics.ts';

export interface BudgetAlert {
  scope: 'key' | 'user' | 'team';
  id: string;
  period: string;
  limit: number;
  threshold: number;
  spend: number;
}

export interface WebhookConfig {
  url: string;
  timeout_ms: number;
  headers?: Record<string, string>;
}

export function alerter(metrics: MetricsRegistry, logger: Logger, webhook: WebhookConfig | undefined) {
  const alerts = metrics.counter({ name: 'gateway_budget_alerts_total', help: 'Budget soft-threshold alerts', labelNames: ['scope'] as const });
  return function fireAlert(a: BudgetAlert): void {
    alerts.inc({ scope: a.scope });
    logger.warn({ budget: a }, 'budget soft threshold crossed');
    if (!webhook) return;
    fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhook.headers },
      body: JSON.stringify({ type: 'budget.threshold', ...a }),
      signal: AbortSignal.timeout(webhook.timeout_ms),
    }).then(
      (r) => r.body?.cancel(),
      (err: Error) => logger.warn({ err: err.message }, 'budget webhook failed'),
    );
  };
}
