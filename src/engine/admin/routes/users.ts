/** /admin/users: CRUD, PATCH as a JSON merge patch. A change drops cached key lookups (a user's budget rides on them). */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import { USER_INPUT_SCHEMA } from '../../stores/db/schemas.ts';
import type { ListQuery, NewUser } from '../../stores/db/index.ts';
import { gatewayError } from '../../errors.ts';
import { audit, bodyOf, keysChanged, mergeRecord, notFound, PAGE_QUERY, requireDb, route, validator, writableFields } from './identity-common.ts';

const checkUser = validator<NewUser>(USER_INPUT_SCHEMA);
const checkPatch = validator<NewUser>({ ...USER_INPUT_SCHEMA, properties: { ...(USER_INPUT_SCHEMA.properties as object), id: { not: {} } } });
const USER_FIELDS = writableFields(USER_INPUT_SCHEMA);
const checkList = validator<ListQuery>({ type: 'object', additionalProperties: false, properties: { ...PAGE_QUERY, team_id: { type: 'string' } } }, 'query');

export function mountUserRoutes(router: Router, deps: AdminDeps): void {
  // Any string, the empty one included, must name a team: a 400, not a foreign-key 500.
  const teamMustExist = async (teamId: unknown) => {
    if (typeof teamId === 'string' && !(await requireDb(deps).getTeam(teamId))) {
      throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Invalid body field "team_id": no such team.', param: 'team_id' });
    }
  };

  router.post(
    '/users',
    route(async (req, res) => {
      const db = requireDb(deps);
      const input = checkUser(bodyOf(req));
      await teamMustExist(input.team_id);
      if (input.id && (await db.getUser(input.id))) {
        throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Invalid body field "id": a user with this id exists.', param: 'id' });
      }
      const user = await db.createUser(input);
      audit(db, 'user.create', user.id, { team_id: user.team_id, budget: user.budget });
      res.status(201).json(user);
    }),
  );

  router.get(
    '/users',
    route(async (req, res) => {
      res.json(await requireDb(deps).listUsers(checkList({ ...req.query })));
    }),
  );

  router.get(
    '/users/:id',
    route(async (req, res) => {
      const user = await requireDb(deps).getUser(String(req.params.id));
      if (!user) throw notFound('user');
      res.json(user);
    }),
  );

  router.patch(
    '/users/:id',
    route(async (req, res) => {
      const db = requireDb(deps);
      const before = await db.getUser(String(req.params.id));
      if (!before) throw notFound('user');
      const patch = bodyOf(req) as Record<string, unknown>;
      const next = mergeRecord(before, patch, USER_FIELDS, checkPatch);
      await teamMustExist(patch.team_id);
      const user = await db.updateUser(before.id, next);
      if (!user) throw notFound('user');
      audit(db, 'user.update', user.id, { fields: Object.keys(patch) });
      await keysChanged(deps, `user:${user.id}`);
      res.json(user);
    }),
  );

  router.delete(
    '/users/:id',
    route(async (req, res) => {
      const db = requireDb(deps);
      const id = String(req.params.id);
      if (!(await db.deleteUser(id))) throw notFound('user');
      audit(db, 'user.delete', id);
      await keysChanged(deps, `user:${id}`);
      res.json({ id, deleted: true });
    }),
  );
}
