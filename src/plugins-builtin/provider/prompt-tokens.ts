/**
 * Counting a request's prompt tokens without an upstream, with the engine's counter
 * (src/engine/tokens: exact for OpenAI-family tokenizers, the chars/4 estimate for every
 * other model, Claude's included; long prompts are counted in the worker pool):
 * - the answer of `POST /v1/messages/count_tokens` (Anthropic's `{ "input_tokens": N }`);
 * - the figure an Anthropic-dialect stream reports in message_start when the upstream
 *   gives none early, counted while the upstream is being called.
 * The tokenizer is that of the deployment the request would go to first.
 *
 * @example
 *   await countTokensAnswer(ctx, catalog, pool) // { kind: 'json', status: 200, body: { input_tokens: 14 } }
 */
import type { ModelCatalog, UpstreamResponse } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import type { ChatRequest } from '../../engine/openai-types.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import { gatewayError } from '../../engine/errors.ts';
import { countPromptTokens } from '../../engine/tokens/count.ts';

/** The upstream model id whose tokenizer counts this request. */
function tokenizerModel(ctx: RequestContext, catalog: ModelCatalog): string | undefined {
  return (ctx.route?.candidates[0] ?? catalog.group(ctx.model ?? '')?.[0])?.model;
}

export async function countTokensAnswer(ctx: RequestContext, catalog: ModelCatalog, pool: WorkerPool): Promise<UpstreamResponse> {
  const model = tokenizerModel(ctx, catalog);
  if (model === undefined) throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${ctx.model}' does not exist.`, param: 'model' });
  const inputTokens = await countPromptTokens(ctx.body as ChatRequest, model, pool);
  // Nothing was generated or sent upstream: token limits settle to 0 and budgets spend nothing.
  ctx.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  ctx.cost = 0;
  return { kind: 'json', status: 200, headers: {}, body: { input_tokens: inputTokens } };
}

/**
 * For an Anthropic-dialect stream whose prompt nobody counted yet (the router counts when
 * it runs): start counting now; the caller awaits it once the upstream has answered, so
 * the count runs beside the upstream call instead of before it.
 */
export function countForStreamStart(ctx: RequestContext, catalog: ModelCatalog, pool: WorkerPool): Promise<void> | undefined {
  if (ctx.endpoint !== 'messages' || !ctx.stream || ctx.promptTokens !== undefined) return undefined;
  const model = tokenizerModel(ctx, catalog);
  if (model === undefined) return undefined;
  return countPromptTokens(ctx.body as ChatRequest, model, pool).then(
    (n) => {
      ctx.promptTokens = n;
    },
    (err: unknown) => ctx.log.warn({ err }, 'prompt token count failed; message_start reports an estimate'),
  );
}
