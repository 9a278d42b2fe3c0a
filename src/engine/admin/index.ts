/**
 * The admin API under /admin: an express router (admin traffic is not the hot path, so
 * express's JSON body parser is fine here). Every route is behind admin authentication.
 * Each file in ./routes mounts its own paths; add a new one to ADMIN_ROUTES.
 */
import express, { type Router } from 'express';
import type { AdminDeps } from './deps.ts';
import { adminAuth } from './auth.ts';
import { adminErrors, verifyDepth } from './respond.ts';
import { AuthFailureLog } from './auth-failures.ts';
import { dbOf } from '../stores/db/index.ts';
import { mountConfigRoutes } from './routes/config.ts';
import { mountRoutingRoutes } from './routes/routing.ts';
import { mountKeyRoutes } from './routes/keys.ts';
import { mountUserRoutes } from './routes/users.ts';
import { mountTeamRoutes } from './routes/teams.ts';
import { mountUsageRoutes } from './routes/usage.ts';
import { mountAuditRoutes } from './routes/audit.ts';

export type { AdminDeps } from './deps.ts';

export type MountAdminRoutes = (router: Router, deps: AdminDeps) => void;

const ADMIN_ROUTES: MountAdminRoutes[] = [
  mountConfigRoutes,
  mountKeyRoutes,
  mountUserRoutes,
  mountTeamRoutes,
  mountUsageRoutes,
  mountAuditRoutes,
  mountRoutingRoutes,
];

export function createAdminRouter(base: Omit<AdminDeps, 'authFailures'>): Router {
  const deps: AdminDeps = { ...base, authFailures: new AuthFailureLog((e) => dbOf(base.stores)?.recordAudit(e), base.logger) };
  const router = express.Router();
  router.use(adminAuth(deps));
  router.use(express.json({ limit: '1mb', verify: verifyDepth }));
  for (const mount of ADMIN_ROUTES) mount(router, deps);
  router.use(adminErrors(deps.logger));
  return router;
}
