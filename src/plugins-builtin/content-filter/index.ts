/**
 * `use: content-filter` — rules that block, redact or flag text in chat, messages and
 * embeddings requests and in chat answers (streamed or not): regular expressions,
 * whole-word keywords and built-in PII/secret detectors. A block is a 400
 * content_policy_violation naming the rule, never the matched text; a redaction goes
 * upstream as `[REDACTED:<rule>]` (the client's bytes are not forwarded); every match is
 * counted in gateway_content_filter_matches_total{rule,action,direction}.
 *
 * @example
 *   - use: content-filter
 *     config:
 *       rules:
 *         - { name: secrets, pii: [secret], action: block, direction: both }
 *         - { name: pii, pii: [email, phone, credit_card], action: redact }
 */
import type { PluginDefinition, PluginInstance } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { stateKey } from '../../engine/context.ts';
import type { ChatCompletion } from '../../engine/openai-types.ts';
import { gatewayError } from '../../engine/errors.ts';
import schema from './schema.json' with { type: 'json' };
import { compileRules, rulesFor, RuleConfigError, type Direction, type Rule, type RuleConfig, type RuleSet, type Side } from './rules.ts';
import { filterChatRequest, filterCompletion, filterEmbeddingsRequest, type TextFilter } from './bodies.ts';
import { scanText, Tally } from './scan.ts';
import { ResponseState, type ResponseLimits } from './response.ts';

export interface ContentFilterConfig {
  rules: RuleConfig[];
  max_scan_chars: number;
  over_limit: 'block' | 'scan_prefix';
  stream_window_chars: number;
}

/** Whether any rule applies on this side, for some model. */
function hasRules(side: Side): boolean {
  if (side.any) return true;
  for (const set of side.models.values()) if (set) return true;
  return false;
}

/** Stands for "too long to scan" when over_limit is block; its name cannot clash with a rule's. */
const OVER_LIMIT: Rule = { name: '_over_limit', action: 'block', replacement: '', models: null, matchers: [] };

const contentFilter: PluginDefinition<ContentFilterConfig> = {
  name: 'content-filter',
  version: '1.0.0',
  engine: '^1',
  description: 'Blocks, redacts or flags text in requests and answers (regex, keywords, PII and secret detectors).',
  configSchema: schema,
  // What the schema cannot say (a pattern valid only under its flags, one that matches
  // the empty string, a duplicate name): checked at load, so `llm-gateway validate` and
  // reloads report it at the rule's line. compileRules stops at the first problem.
  checkConfig(config, env) {
    try {
      compileRules(config.rules);
      return [];
    } catch (err) {
      if (!(err instanceof RuleConfigError)) throw err;
      return [{ path: `${env.at}.${err.path}`, message: err.detail }];
    }
  },
  create(config, env) {
    let index: ReturnType<typeof compileRules>;
    try {
      index = compileRules(config.rules);
    } catch (err) {
      throw new Error(`${env.pluginId}: ${(err as Error).message}`, { cause: err });
    }
    const limit = config.max_scan_chars;
    const blockLong = config.over_limit === 'block';
    const limits: ResponseLimits = { maxScanChars: limit, window: config.stream_window_chars };
    // A slot of this instance: two content-filter entries in one pipeline (say, one above
    // the cache and one below the router) never share a request's state.
    const RESPONSE = stateKey<ResponseState>('content-filter.response');
    const matches = env.metrics.counter({
      name: 'gateway_content_filter_matches_total',
      help: 'Content-filter matches by rule, action and direction',
      labelNames: ['rule', 'action', 'direction'] as const,
    });

    function textFilter(set: RuleSet, tally: Tally): TextFilter {
      return function filterText(text) {
        if (blockLong && text.length > limit) return OVER_LIMIT;
        return scanText(set, text, limit, tally);
      };
    }

    function report(ctx: RequestContext, direction: Direction, tally: Tally): void {
      for (const [rule, n] of tally.counts) {
        matches.inc({ rule: rule.name, action: rule.action, direction }, n);
        if (rule.action === 'log') ctx.log.warn({ rule: rule.name, direction, matches: n }, 'content filter: flagged');
        else ctx.log.info({ rule: rule.name, direction, matches: n }, 'content filter: redacted');
      }
    }

    /** Counts and logs a block, and returns the client's error (the rule's name, never the text). */
    function blocked(ctx: RequestContext, direction: Direction, rule: Rule, param: string | null) {
      matches.inc({ rule: rule.name, action: 'block', direction });
      ctx.log.warn({ rule: rule.name, direction, param }, 'content filter: blocked');
      const what = direction === 'request' ? 'request' : 'response';
      const message =
        rule === OVER_LIMIT
          ? `The ${what} has a text longer than the content filter scans (max_scan_chars).`
          : `The ${what} was blocked by the content policy (rule "${rule.name}").`;
      return gatewayError('GW_ERR_CONTENT_BLOCKED', { message, param: direction === 'request' ? param : null });
    }

    const instance: PluginInstance = {
      onRequest(ctx) {
        const ep = ctx.endpoint;
        if ((ep !== 'chat' && ep !== 'messages' && ep !== 'responses' && ep !== 'embeddings') || ctx.body === undefined) return;
        const sides = index[ep];
        const req = rulesFor(sides.request, ctx.model);
        // A body that is not an object (no validation plugin above) has no text to filter.
        const body = ctx.body as Record<string, unknown> | null;
        if (req && body && typeof body === 'object') {
          const tally = new Tally();
          const f = textFilter(req, tally);
          const r = ep === 'embeddings' ? filterEmbeddingsRequest(body, f) : filterChatRequest(body, f);
          report(ctx, 'request', tally);
          if (r.blocked) throw blocked(ctx, 'request', r.blocked, r.param);
          if (r.body !== body) ctx.setBody(r.body);
        }
        const res = rulesFor(sides.response, ctx.model);
        if (res) ctx.set(RESPONSE, new ResponseState(res, limits));
      },
    };
    // Answers are looked at only when some rule applies to them: without one, the plugin has
    // no response hooks at all, and streams pass through untouched (the upstream's bytes).
    if (!hasRules(index.chat.response) && !hasRules(index.messages.response)) return instance;

    instance.onResponse = function filterAnswer(ctx) {
      const st = ctx.get(RESPONSE);
      const res = ctx.response;
      if (!st || res?.kind !== 'json') return;
      const body = res.body as ChatCompletion | undefined;
      if (!body || !Array.isArray(body.choices)) return;
      const tally = new Tally();
      const r = filterCompletion(body, textFilter(st.set, tally));
      report(ctx, 'response', tally);
      if (r.blocked) throw blocked(ctx, 'response', r.blocked, null);
      if (r.body !== body) {
        // The upstream's bytes hold the original text: never forward them.
        const { raw: _raw, ...rest } = res;
        ctx.response = { ...rest, body: r.body };
      }
    };

    instance.onStreamChunk = function filterStreamEvent(ctx, ev) {
      const st = ctx.get(RESPONSE);
      return st ? st.chunk(ev) : ev;
    };

    instance.onDone = function reportStream(ctx) {
      const st = ctx.get(RESPONSE);
      if (!st || ctx.response?.kind !== 'stream') return;
      if (st.set.log.length) st.scanLogged();
      report(ctx, 'response', st.tally);
      if (st.blockedBy) {
        matches.inc({ rule: st.blockedBy.name, action: 'block', direction: 'response' });
        ctx.log.warn({ rule: st.blockedBy.name, direction: 'response' }, 'content filter: blocked the stream (finish_reason content_filter)');
      }
    };
    return instance;
  },
};

export default contentFilter;
