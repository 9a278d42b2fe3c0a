/**
 * Ranks a model group with its policy's strategy against the live routing state. The
 * router's plan and dispatch (when no router ran) both rank through here, so the order
 * explained is the order used.
 *
 * @example
 *   rankGroup('gpt-4o', group, policy, state, { rng: Math.random, promptTokens: 100, outputTokens: 256, stream: false, advance: true });
 */
import type { Deployment } from '../types.ts';
import type { RoutingState } from './board.ts';
import type { RoutingPolicy } from './policy.ts';
import type { Rng } from './rng.ts';
import { rankDeployments, type Ranked } from './strategies.ts';

export interface RankOptions {
  rng: Rng;
  promptTokens: number;
  outputTokens: number;
  stream: boolean;
  /** Advance the round-robin cursor (a real request) or only read it (explain). */
  advance: boolean;
  now?: number;
}

export function rankGroup(name: string, group: readonly Deployment[], policy: RoutingPolicy, state: RoutingState, o: RankOptions): Ranked[] {
  const strategy = policy.group(name).strategy;
  const cursor = strategy === 'round-robin' ? (o.advance ? state.nextCursor(name) : state.peekCursor(name)) : 0;
  return rankDeployments(strategy, group, {
    rng: o.rng,
    stats: (id) => state.health.peek(id),
    cursor,
    promptTokens: o.promptTokens,
    outputTokens: o.outputTokens,
    stream: o.stream,
    now: o.now ?? Date.now(),
  });
}

/** Output tokens to assume for estimates: max_tokens when given, else this. */
export const DEFAULT_OUTPUT_TOKENS = 256;

export function outputTokensOf(body: unknown): number {
  const b = body as { max_tokens?: unknown; max_completion_tokens?: unknown } | undefined;
  const n = typeof b?.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b?.max_tokens === 'number' ? b.max_tokens : undefined;
  return n ?? DEFAULT_OUTPUT_TOKENS;
}
