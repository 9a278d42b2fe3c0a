/** GET /admin/audit: audit rows newest first, filtered, paginated by `limit` and `cursor`. */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import type { AuditQuery } from '../../stores/db/index.ts';
import { PAGE_QUERY, requireDb, route, validator } from './identity-common.ts';

const checkQuery = validator<AuditQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...PAGE_QUERY,
      actor: { type: 'string' },
      action: { type: 'string' },
      target: { type: 'string' },
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
    },
  },
  'query',
);

export function mountAuditRoutes(router: Router, deps: AdminDeps): void {
  router.get(
    '/audit',
    route(async (req, res) => {
      const q = checkQuery({ ...req.query });
      // Failed-authentication counts waiting for their window to end are written first.
      deps.authFailures.flush();
      const iso = (d: string | undefined) => (d ? new Date(d).toISOString() : undefined);
      res.json(await requireDb(deps).queryAudit({ ...q, from: iso(q.from), to: iso(q.to) }));
    }),
  );
}
