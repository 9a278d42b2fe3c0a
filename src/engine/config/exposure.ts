/**
 * Safe by default: the LLM API spends the providers' keys, so serving it beyond loopback
 * with no `auth` plugin in the main pipeline is refused — at start and at every reload —
 * unless the config says it is meant (`server.allow_unauthenticated: true`), e.g. behind
 * a proxy that authenticates.
 */
import type { RawIssue } from './issues.ts';
import type { PathSegment } from './paths.ts';

/**
 * @example
 *   exposureIssues({ server: { host: '0.0.0.0' }, pipeline: [{ use: 'provider' }] }, () => false)
 *   // [{ path: ['server', 'host'], message: 'serves the LLM API on 0.0.0.0 …' }]
 */
export function exposureIssues(tree: unknown, fromEnv: (path: readonly PathSegment[]) => boolean): RawIssue[] {
  const root = asRecord(tree);
  const server = asRecord(root?.server);
  const host = server?.host;
  if (typeof host !== 'string' || isLoopback(host) || server?.allow_unauthenticated === true) return [];
  const pipeline = Array.isArray(root?.pipeline) ? root.pipeline : [];
  if (pipeline.some((e) => asRecord(e)?.use === 'auth')) return [];
  const where = fromEnv(['server', 'host']) ? 'a non-loopback address' : `${host}, which other machines can reach,`;
  return [
    {
      path: ['server', 'host'],
      message:
        `serves the LLM API on ${where} with no \`auth\` plugin in the pipeline: anyone who reaches it could spend your providers' keys. ` +
        'Add `- use: auth` to pipeline (with keys), bind host to 127.0.0.1, or set server.allow_unauthenticated: true if that is intended',
    },
  ];
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
