/**
 * The admin API under /admin: an express router (admin traffic is not the hot path, so
 * express's JSON body parser is fine here). Every route is behind admin authentication.
 * Each file in ./routes mounts its own paths; add a new one to ADMIN_ROUTES.
 */
import express, { type Router } from 'express';
import type { AdminDeps } from './deps.ts';
import { adminAuth } from './auth.ts';
import { mountConfigRoutes } from './routes/config.ts';

export type { AdminDeps } from './deps.ts';

export type MountAdminRoutes = (router: Router, deps: AdminDeps) => void;

const ADMIN_ROUTES: MountAdminRoutes[] = [
  mountConfigRoutes,
];

export function createAdminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  router.use(adminAuth(deps));
  router.use(express.json({ limit: '1mb' }));
  for (const mount of ADMIN_ROUTES) mount(router, deps);
  return router;
}
