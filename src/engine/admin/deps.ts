import type { Logger } from 'pino';
import type { MetricsRegistry } from '../metrics.ts';
import type { Stores } from '../types.ts';
import type { Runtime } from '../runtime.ts';
import type { AuthFailureLog } from './auth-failures.ts';

/** What admin routes may use. Built once at start-up. */
export interface AdminDeps {
  runtime: Runtime;
  stores: Stores;
  logger: Logger;
  metrics: MetricsRegistry;
  /** The address the server is bound to: without an admin key, only a loopback one serves admin. */
  boundAddress(): string | undefined;
  /** Failed admin authentications, aggregated per source (made by createAdminRouter). */
  authFailures: AuthFailureLog;
}
