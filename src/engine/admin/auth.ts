/**
 * Admin authentication. The admin key comes from `admin.key` (usually
 * `${GATEWAY_ADMIN_KEY}`) and is kept only as a sha256 digest, compared in constant
 * time. With no admin key configured the admin API is off unless the gateway is bound to a
 * loopback address (then it answers its loopback clients), so a local `npm start` can be
 * inspected while a deployed gateway is never left open. The bound address decides, not
 * only the client's: behind a load balancer or a sidecar on the same host every client
 * looks like loopback.
 * Failed attempts are audited through AuthFailureLog (one row per source and minute under a flood).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AdminDeps } from './deps.ts';
import { gatewayError } from '../errors.ts';
import { sendError } from './respond.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** 127.0.0.0/8 (also IPv4-mapped) and ::1. */
export function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.'));
}

export function presentedKey(h: { authorization?: string; 'x-api-key'?: string | string[] }): string | undefined {
  const auth = h.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const x = h['x-api-key'];
  return Array.isArray(x) ? x[0] : x;
}

export function adminAuth(deps: AdminDeps): RequestHandler {
  return function adminAuthenticate(req, res, next) {
    const gen = deps.runtime.current;
    const configured = gen?.config.admin?.key;
    // Behind a trusted load balancer the client is the one it forwarded for, not the balancer.
    const client = gen ? gen.trust.clientIp(req) : req.socket.remoteAddress;
    if (!configured) {
      if (isLoopback(deps.boundAddress()) && isLoopback(client)) return next();
      return sendError(res, gatewayError('GW_ERR_UNAUTHORIZED', { message: 'The admin API is disabled: set admin.key.' }));
    }
    const given = presentedKey(req.headers as Record<string, string>);
    if (given && timingSafeEqual(sha256(given), sha256(configured))) return next();
    // The presented value is never recorded: it may be a real key sent to the wrong place.
    deps.authFailures.record({
      ip: client || 'unknown',
      target: `${req.method} ${req.baseUrl}${req.path}`,
      presented: given ? 'wrong key' : 'no key',
    });
    return sendError(res, gatewayError('GW_ERR_UNAUTHORIZED', { message: 'Invalid admin key.' }));
  };
}
