/** /admin/teams: CRUD, PATCH as a JSON merge patch. A change drops cached key lookups (a team's budget rides on them). */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import { TEAM_INPUT_SCHEMA } from '../../stores/db/schemas.ts';
import type { ListQuery, NewTeam } from '../../stores/db/index.ts';
import { gatewayError } from '../../errors.ts';
import { audit, bodyOf, keysChanged, mergeRecord, notFound, PAGE_QUERY, requireDb, route, validator, writableFields } from './identity-common.ts';

const checkTeam = validator<NewTeam>({ ...TEAM_INPUT_SCHEMA, required: ['name'] });
// A patched team is checked whole: it must keep a name.
const checkPatch = validator<NewTeam>({
  ...TEAM_INPUT_SCHEMA,
  required: ['name'],
  properties: { ...(TEAM_INPUT_SCHEMA.properties as object), id: { not: {} } },
});
const TEAM_FIELDS = writableFields(TEAM_INPUT_SCHEMA);
const checkList = validator<ListQuery>({ type: 'object', additionalProperties: false, properties: PAGE_QUERY }, 'query');

export function mountTeamRoutes(router: Router, deps: AdminDeps): void {
  router.post(
    '/teams',
    route(async (req, res) => {
      const db = requireDb(deps);
      const input = checkTeam(bodyOf(req));
      if (input.id && (await db.getTeam(input.id))) {
        throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Invalid body field "id": a team with this id exists.', param: 'id' });
      }
      const team = await db.createTeam(input);
      audit(db, 'team.create', team.id, { name: team.name, budget: team.budget });
      res.status(201).json(team);
    }),
  );

  router.get(
    '/teams',
    route(async (req, res) => {
      res.json(await requireDb(deps).listTeams(checkList({ ...req.query })));
    }),
  );

  router.get(
    '/teams/:id',
    route(async (req, res) => {
      const team = await requireDb(deps).getTeam(String(req.params.id));
      if (!team) throw notFound('team');
      res.json(team);
    }),
  );

  router.patch(
    '/teams/:id',
    route(async (req, res) => {
      const db = requireDb(deps);
      const before = await db.getTeam(String(req.params.id));
      if (!before) throw notFound('team');
      const patch = bodyOf(req) as Record<string, unknown>;
      const team = await db.updateTeam(before.id, mergeRecord(before, patch, TEAM_FIELDS, checkPatch));
      if (!team) throw notFound('team');
      audit(db, 'team.update', team.id, { fields: Object.keys(patch) });
      await keysChanged(deps, `team:${team.id}`);
      res.json(team);
    }),
  );

  router.delete(
    '/teams/:id',
    route(async (req, res) => {
      const db = requireDb(deps);
      const id = String(req.params.id);
      if (!(await db.deleteTeam(id))) throw notFound('team');
      audit(db, 'team.delete', id);
      await keysChanged(deps, `team:${id}`);
      res.json({ id, deleted: true });
    }),
  );
}
