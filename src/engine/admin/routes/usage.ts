/**
 * GET /admin/usage (alias /admin/spend): requests, tokens and cost grouped by key, user,
 * team, model or day, filtered by date range (ISO, `from` inclusive, `to` exclusive)
 * and by key/user/team/model. Reading is not an action: no audit row.
 */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import type { UsageQuery } from '../../stores/db/index.ts';
import { requireDb, route, validator } from './identity-common.ts';

const date = { type: 'string', anyOf: [{ format: 'date-time' }, { format: 'date' }] };
const checkQuery = validator<UsageQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      group_by: { enum: ['key', 'user', 'team', 'model', 'day'], default: 'key' },
      from: date,
      to: date,
      key_id: { type: 'string' },
      user_id: { type: 'string' },
      team_id: { type: 'string' },
      model: { type: 'string' },
    },
  },
  'query',
);

/** A bare date `2025-03-14` means its UTC midnight, in the stored ISO form. */
const normalise = (d: string | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);

export function mountUsageRoutes(router: Router, deps: AdminDeps): void {
  const handler = route(async (req, res) => {
    const q = checkQuery({ group_by: 'key', ...req.query });
    const data = await requireDb(deps).queryUsage({ ...q, from: normalise(q.from), to: normalise(q.to) });
    res.json({ group_by: q.group_by, data });
  });
  router.get('/usage', handler);
  router.get('/spend', handler);
}
