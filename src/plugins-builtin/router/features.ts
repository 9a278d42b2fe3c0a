/**
 * What the planner needs to know about a request, computed before the (pure) plan: the
 * prompt text, token counts per tokenizer family, expected output tokens, required
 * capabilities, who is asking (the sticky id for A/B, and the key's permit), and the
 * nearest embedding route. Heavy parts (long prompts, many embedding examples) run in the
 * worker pool.
 *
 * @example
 *   const f = await requestFeatures(router, { endpoint: 'chat', body }, families, pool);
 */
import type { Capability, ChatRequest } from '../../engine/openai-types.ts';
import type { Endpoint, Principal } from '../../engine/context.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import { requiredCapabilities } from '../../engine/capabilities.ts';
import { countFamilies, plainMessages } from '../../engine/tokens/count.ts';
import type { TokenFamily } from '../../engine/tokens/encoding.ts';
import { outputTokensOf } from '../../engine/routing/ranking.ts';
import { permitOf, type Permit } from '../../engine/routing/permits.ts';
import { isAlias, type CompiledRouter } from './config.ts';
import { nearestExample } from './embedding.ts';

export interface PlanRequest {
  endpoint: Endpoint;
  body: unknown;
  principal?: Principal;
  headers?: Record<string, string | string[] | undefined>;
}

export interface Features {
  requested: string;
  /** Text of the messages the rules look at, by role. */
  textByRole: ReadonlyMap<string, string>;
  tokens: Partial<Record<TokenFamily, number>>;
  /** `max_tokens` (or `max_completion_tokens`), else DEFAULT_OUTPUT_TOKENS. */
  outputTokens: number;
  need: Capability[];
  stream: boolean;
  /** Principal key id / user id for sticky A/B buckets. */
  keyId?: string;
  userId?: string;
  /** What the caller's key may be served by; undefined: nothing restricted. */
  permit?: Permit;
  nearest?: { model: string; similarity: number };
}

/** `families`: the tokenizers of every model the plan could reach (the planner knows them). */
export async function requestFeatures(router: CompiledRouter, req: PlanRequest, families: readonly TokenFamily[], pool?: WorkerPool): Promise<Features> {
  const body = (req.body ?? {}) as Partial<ChatRequest>;
  const requested = typeof body.model === 'string' ? body.model : '';
  const textByRole = new Map<string, string>();
  const msgs = req.endpoint === 'chat' && Array.isArray(body.messages) ? plainMessages(body as ChatRequest) : [];
  for (const m of msgs) textByRole.set(m.role, (textByRole.get(m.role) ?? '') + m.content + '\n');
  const tokens = msgs.length ? await countFamilies(body as ChatRequest, families, pool) : {};
  const f: Features = {
    requested,
    textByRole,
    tokens,
    outputTokens: outputTokensOf(body),
    need: requiredCapabilities(req.endpoint, body),
    stream: body.stream === true,
    keyId: req.principal?.keyId,
    userId: req.principal?.userId ?? (typeof body.user === 'string' ? body.user : undefined),
    permit: permitOf(req.principal),
  };
  if (router.embedding && isAlias(router, requested)) f.nearest = await nearestExample(router.embedding, textByRole.get('user') ?? '', pool);
  return f;
}
