/**
 * What the planner needs to know about a request, computed before the (pure) plan:
 * the prompt text, token counts per tokenizer family, expected output tokens, required
 * capabilities, the sticky id for A/B, and the nearest embedding route. Heavy parts
 * (long prompts, many embedding examples) run in the worker pool.
 *
 * @example
 *   const f = await requestFeatures(router, { endpoint: 'chat', body }, catalog, pool);
 */
import type { Capability, ChatRequest } from '../../engine/openai-types.ts';
import type { Endpoint, Principal } from '../../engine/context.ts';
import type { ModelCatalog } from '../../engine/types.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import { requiredCapabilities } from '../../engine/capabilities.ts';
import { countFamilies, plainMessages, INLINE_MAX_CHARS } from '../../engine/tokens/count.ts';
import { familyOf, type TokenFamily } from '../../engine/tokens/encoding.ts';
import { nearest } from '../../engine/embedding/embedder.ts';
import { outputTokensOf } from '../../engine/routing/ranking.ts';
import type { CompiledRouter } from './config.ts';

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
  outputTokens: number;
  need: Capability[];
  stream: boolean;
  /** Principal key id / user id for sticky A/B buckets. */
  keyId?: string;
  userId?: string;
  nearest?: { model: string; similarity: number };
}

/** Embedding routing of many examples goes to a worker above this many row×dims. */
const INLINE_MAX_EMBED_WORK = 64 * 256;

export async function requestFeatures(router: CompiledRouter, req: PlanRequest, catalog: ModelCatalog, pool?: WorkerPool): Promise<Features> {
  const body = (req.body ?? {}) as Partial<ChatRequest>;
  const requested = typeof body.model === 'string' ? body.model : '';
  const textByRole = new Map<string, string>();
  const msgs = req.endpoint === 'chat' && Array.isArray(body.messages) ? plainMessages(body as ChatRequest) : [];
  for (const m of msgs) textByRole.set(m.role, (textByRole.get(m.role) ?? '') + m.content + '\n');
  const families = new Set<TokenFamily>();
  for (const name of router.aliases.get(requested) ?? (requested === 'auto' ? catalog.names() : [requested])) {
    for (const d of catalog.group(name) ?? []) families.add(familyOf(d.model));
  }
  const tokens = msgs.length ? await countFamilies(body as ChatRequest, [...families], pool) : {};
  const f: Features = {
    requested,
    textByRole,
    tokens,
    outputTokens: outputTokensOf(body),
    need: requiredCapabilities(req.endpoint, body),
    stream: body.stream === true,
    keyId: req.principal?.keyId,
    userId: req.principal?.userId ?? (typeof body.user === 'string' ? body.user : undefined),
  };
  const e = router.embedding;
  if (e && e.rows.length && (router.aliases.has(requested) || requested === 'auto')) {
    const text = textByRole.get('user') ?? '';
    const heavy = pool && (text.length > INLINE_MAX_CHARS || e.rows.length * e.embedder.dims > INLINE_MAX_EMBED_WORK);
    const hit = heavy
      ? await pool.run<{ index: number; similarity: number }>('similarity', { embedder: e.name, dims: e.embedder.dims, text, rows: e.rows })
      : nearest(e.embedder.embed(text), e.rows);
    if (hit.index >= 0) f.nearest = { model: e.rowModel[hit.index]!, similarity: hit.similarity };
  }
  return f;
}
