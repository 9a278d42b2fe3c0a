/**
 * What a slow or greedy client may hold: how long it may take to send its headers and its
 * body, how long an idle keep-alive connection is kept, and (optionally) how many
 * connections one address may open. All of it bounds receiving, never answering: a
 * request whose body has arrived is out of node's request timer, so a long streamed
 * answer is never cut.
 *
 * node enforces headers and request timeouts on a timer (`connectionsCheckingInterval`,
 * fixed when the server is made), so they hold to within that interval. The LLM endpoints
 * also bound the body themselves (readBody), exactly, answering 408 in the client's dialect.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Counter } from 'prom-client';
import type { ServerConfig } from '../config/types.ts';

export const DEFAULT_TIMEOUTS = { headers_ms: 10_000, body_ms: 30_000, keep_alive_ms: 65_000 } as const;

/** How often node looks for requests past their headers or body deadline. */
export const TIMEOUT_CHECK_MS = 500;

export type ServerTimeouts = { [K in keyof typeof DEFAULT_TIMEOUTS]: number };

export function timeoutsOf(server: Pick<ServerConfig, 'timeouts'> | undefined): ServerTimeouts {
  const t = server?.timeouts;
  return {
    headers_ms: t?.headers_ms ?? DEFAULT_TIMEOUTS.headers_ms,
    body_ms: t?.body_ms ?? DEFAULT_TIMEOUTS.body_ms,
    keep_alive_ms: t?.keep_alive_ms ?? DEFAULT_TIMEOUTS.keep_alive_ms,
  };
}

/**
 * Sets the server's timers; called at start and after each reload (node reads them when
 * it checks, so new values hold for connections already open too).
 */
export function applyTimeouts(server: http.Server, t: ServerTimeouts): void {
  server.headersTimeout = t.headers_ms;
  // node's request timeout runs from the request's first byte to its body's last: headers
  // plus body. It is the bound for every route (admin API, proxy uploads); the LLM
  // endpoints' own body timer fires first and answers in the client's dialect.
  server.requestTimeout = t.headers_ms + t.body_ms;
  server.keepAliveTimeout = t.keep_alive_ms;
}

/**
 * Closes, as it is accepted, a connection beyond `limit()` open ones from its address
 * (undefined: no cap). Connections are counted even with no cap, so one set by a reload
 * counts those already open; it applies to the next connection accepted.
 */
export function capConnectionsPerIp(server: http.Server, limit: () => number | undefined, refused: Counter<'reason'>): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress;
    if (ip === undefined) return;
    const n = (open.get(ip) ?? 0) + 1;
    const cap = limit();
    if (cap !== undefined && n > cap) {
      refused.inc({ reason: 'per_ip_cap' });
      socket.destroy();
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
}
