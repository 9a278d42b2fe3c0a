/**
 * /admin/keys: create, list, get, update (a JSON merge patch), revoke, rotate. The secret
 * is in the response of create and rotate only; every other answer carries the visible
 * prefix. Every change writes an audit row and invalidates key caches on every replica.
 */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import { KEY_INPUT_SCHEMA } from '../../stores/db/schemas.ts';
import type { GatewayDb, ListQuery, NewKey } from '../../stores/db/index.ts';
import { gatewayError } from '../../errors.ts';
import { audit, bodyOf, keysChanged, mergeRecord, notFound, PAGE_QUERY, requireDb, route, validator, writableFields } from './identity-common.ts';

const checkKey = validator<NewKey>(KEY_INPUT_SCHEMA);
const checkRotate = validator<{ grace_seconds?: number }>({
  type: 'object',
  additionalProperties: false,
  properties: { grace_seconds: { type: 'integer', minimum: 0, maximum: 30 * 86400 } },
});
const checkList = validator<ListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: { ...PAGE_QUERY, user_id: { type: 'string' }, team_id: { type: 'string' } },
  },
  'query',
);

const KEY_FIELDS = writableFields(KEY_INPUT_SCHEMA);

/** user_id/team_id, when given, must name existing rows: a 400 naming the field, not a foreign-key 500. */
async function checkRefs(db: GatewayDb, k: { user_id?: unknown; team_id?: unknown }): Promise<void> {
  if (typeof k.user_id === 'string' && !(await db.getUser(k.user_id)))
    throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Invalid body field "user_id": no such user.', param: 'user_id' });
  if (typeof k.team_id === 'string' && !(await db.getTeam(k.team_id)))
    throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Invalid body field "team_id": no such team.', param: 'team_id' });
}

export function mountKeyRoutes(router: Router, deps: AdminDeps): void {
  router.post(
    '/keys',
    route(async (req, res) => {
      const db = requireDb(deps);
      const input = checkKey(bodyOf(req));
      await checkRefs(db, input);
      const { record, secret } = await db.createKey(input);
      audit(db, 'key.create', record.id, {
        prefix: record.prefix,
        name: record.name,
        permissions: record.permissions,
        limits: record.limits,
        budget: record.budget,
      });
      res.status(201).json({ ...record, secret });
    }),
  );

  router.get(
    '/keys',
    route(async (req, res) => {
      res.json(await requireDb(deps).listKeys(checkList({ ...req.query })));
    }),
  );

  router.get(
    '/keys/:id',
    route(async (req, res) => {
      const key = await requireDb(deps).getKey(String(req.params.id));
      if (!key) throw notFound('key');
      res.json(key);
    }),
  );

  router.patch(
    '/keys/:id',
    route(async (req, res) => {
      const db = requireDb(deps);
      const before = await db.getKey(String(req.params.id));
      if (!before) throw notFound('key');
      const patch = bodyOf(req) as Record<string, unknown>;
      const next = mergeRecord(before, patch, KEY_FIELDS, checkKey);
      // Only the references the patch sets: a user deleted since must not block other changes.
      await checkRefs(db, patch);
      const after = (await db.updateKey(before.id, next))!;
      audit(db, 'key.update', after.id, { fields: Object.keys(patch) });
      if ('permissions' in patch) audit(db, 'key.permissions', after.id, { before: before.permissions, after: after.permissions });
      await keysChanged(deps, after.id);
      res.json(after);
    }),
  );

  const revoke = route(async (req, res) => {
    const db = requireDb(deps);
    const key = await db.revokeKey(String(req.params.id));
    if (!key) throw notFound('key');
    audit(db, 'key.revoke', key.id, { prefix: key.prefix });
    await keysChanged(deps, key.id);
    res.json(key);
  });
  router.post('/keys/:id/revoke', revoke);
  router.delete('/keys/:id', revoke);

  router.post(
    '/keys/:id/rotate',
    route(async (req, res) => {
      const db = requireDb(deps);
      const { grace_seconds: grace = 0 } = checkRotate(bodyOf(req));
      const out = await db.rotateKey(String(req.params.id), grace);
      if (!out) throw notFound('key');
      audit(db, 'key.rotate', out.old.id, { new_key: out.record.id, prefix: out.record.prefix, grace_seconds: grace });
      await keysChanged(deps, out.old.id);
      res.status(201).json({ ...out.record, secret: out.secret, old: out.old });
    }),
  );
}
