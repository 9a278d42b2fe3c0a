import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';

/** GET /admin/config/status: what is serving, and the last reload's outcome. */
export function mountConfigRoutes(router: Router, deps: AdminDeps): void {
  router.get('/config/status', (_req, res) => {
    res.json(deps.runtime.status());
  });
}
