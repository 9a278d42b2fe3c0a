/**
 * The node:http server. LLM endpoints are matched with a switch on the exact path and go
 * to the lean handler; every other request goes to the express app. Every response, of
 * either, carries the request's `x-request-id` (and `request-id`, where Anthropic's SDK
 * reads it, for Anthropic-dialect requests).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import { requestIdOf, requestIdHeaders, type EndpointSpec } from './llm-handler.ts';
import { openaiChatCodec, openaiEmbeddingsCodec } from './codecs/openai.ts';
import { anthropicCodec, anthropicCountTokensCodec, anthropicModelsCodec, speaksAnthropic } from './codecs/anthropic.ts';
import { responsesCodec } from './codecs/responses.ts';
import { gatewayError } from '../errors.ts';
import { writeError } from './respond.ts';
import { canonicalUrl } from './canonical-url.ts';
import { applyTimeouts, TIMEOUT_CHECK_MS, type ServerTimeouts } from './client-limits.ts';

const CHAT: EndpointSpec = { endpoint: 'chat', method: 'POST', codec: openaiChatCodec };
const EMBEDDINGS: EndpointSpec = { endpoint: 'embeddings', method: 'POST', codec: openaiEmbeddingsCodec };
const MESSAGES: EndpointSpec = { endpoint: 'messages', method: 'POST', codec: anthropicCodec };
const COUNT_TOKENS: EndpointSpec = { endpoint: 'count_tokens', method: 'POST', codec: anthropicCountTokensCodec };
const MODELS: EndpointSpec = { endpoint: 'models', method: 'GET', codec: openaiChatCodec };
const ANTHROPIC_MODELS: EndpointSpec = { endpoint: 'models', method: 'GET', codec: anthropicModelsCodec };
const RESPONSES: EndpointSpec = { endpoint: 'responses', method: 'POST', codec: responsesCodec };
const STORED_RESPONSE: EndpointSpec = { endpoint: 'responses', method: 'GET', codec: responsesCodec, allow: 'GET, DELETE' };
const DELETE_RESPONSE: EndpointSpec = { ...STORED_RESPONSE, method: 'DELETE' };
const INPUT_ITEMS: EndpointSpec = { endpoint: 'responses', method: 'GET', codec: responsesCodec };
const STORED_RESPONSE_PATH = /^\/v1\/responses\/[^/]+$/;
const INPUT_ITEMS_PATH = /^\/v1\/responses\/[^/]+\/input_items$/;

/** Path (query stripped, one trailing slash tolerated) → endpoint; `method` picks between specs of one path. */
export function matchEndpoint(url: string, method?: string): EndpointSpec | undefined {
  const q = url.indexOf('?');
  let p = q === -1 ? url : url.slice(0, q);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  switch (p) {
    case '/v1/chat/completions':
    case '/chat/completions':
      return CHAT;
    case '/v1/embeddings':
    case '/embeddings':
      return EMBEDDINGS;
    case '/v1/messages':
      return MESSAGES;
    case '/v1/messages/count_tokens':
      return COUNT_TOKENS;
    case '/v1/responses':
      return RESPONSES;
    case '/v1/models':
    case '/models':
      return MODELS;
    default:
      if (p.startsWith('/v1/models/')) return MODELS;
      if (STORED_RESPONSE_PATH.test(p)) return method === 'DELETE' ? DELETE_RESPONSE : STORED_RESPONSE;
      return INPUT_ITEMS_PATH.test(p) ? INPUT_ITEMS : undefined;
  }
}

export type LlmHandler = (req: IncomingMessage, res: ServerResponse, spec: EndpointSpec) => Promise<void>;

/** `timeouts`: server.timeouts of the first config (client-limits.ts; a reload applies its own). */
export function createHttpServer(app: Express, llm: LlmHandler, timeouts: ServerTimeouts): http.Server {
  const server = http.createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_MS }, function route(req, res) {
    const id = requestIdOf(req);
    // Whoever reads the id later (handlers, logs, a proxied app) sees this one.
    req.headers['x-request-id'] = id;
    // Matched, checked and forwarded in one form: see canonical-url.ts.
    const url = (req.url = canonicalUrl(req.url ?? '/'));
    let spec = matchEndpoint(url, req.method);
    const anthropic = speaksAnthropic(req.headers, url);
    if (anthropic && spec === MODELS) spec = ANTHROPIC_MODELS;
    if (!spec) {
      res.setHeader('x-request-id', id);
      if (anthropic) res.setHeader('request-id', id);
      return void app(req, res);
    }
    // LLM endpoints send the id headers in their one header list (requestIdHeaders): a
    // header set here with setHeader would send every other header of the answer through
    // setHeader too (Node's slow path when writeHead meets headers already set).
    if (req.method !== spec.method && req.method !== 'OPTIONS') {
      const allow = spec.allow ?? spec.method;
      const e = gatewayError('GW_ERR_METHOD_NOT_ALLOWED', { message: `Use ${allow} for this endpoint.` });
      return writeError(res, e, { ...requestIdHeaders(req, id), allow }, spec.codec.errorBody(e, id));
    }
    void llm(req, res, spec);
  });
  applyTimeouts(server, timeouts);
  return server;
}
