/**
 * Who may be served an answer cached for whom. The default is per API key: one tenant's
 * prompts and answers never reach another unless the config says so. A caller lacking
 * the asked dimension falls back to a narrower one (team → user → key), never a wider
 * one. Without auth there is no tenant to tell apart: one anonymous partition.
 */
import type { RequestContext } from '../../engine/context.ts';

export type PartitionBy = 'none' | 'key' | 'user' | 'team';

export function partitionOf(ctx: RequestContext, by: PartitionBy): string {
  const p = ctx.principal;
  if (by === 'none') return '*';
  if (!p) return '-';
  if (by === 'team' && p.teamId !== undefined) return `t:${p.teamId}`;
  if (by !== 'key' && p.userId !== undefined) return `u:${p.userId}`;
  return `k:${p.keyId}`;
}
