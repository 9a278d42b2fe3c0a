/**
 * fast-check generators of whole HTTP requests for the fuzz suite (fuzz-endpoints.test.ts):
 * every public endpoint, with the body arbitraries of the robustness suite
 * (../robustness/arbitraries.ts) and hostile paths, methods, headers, content types and
 * bytes. A request either goes through a keep-alive client (`transport: 'client'`, for
 * what an HTTP client library would send) or is written byte for byte on a socket of its
 * own (`transport: 'raw'`, for what no client library lets through).
 */
import fc from 'fast-check';
import { anything, bodyText, chatBody, embeddingsBody, messagesBody, mutated } from '../robustness/arbitraries.ts';

export interface FuzzRequest {
  /** What it aims at (reported with a failure, and counted). */
  kind: string;
  transport: 'client' | 'raw';
  method: string;
  /** The request target as sent: anything, for raw requests. */
  path: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

/** The secrets a request may present; the test knows which is which. */
export interface FuzzSecrets {
  key: string;
  adminKey: string;
  /** A stored response's id, so GET/DELETE /v1/responses/{id} also reach a real one. */
  responseId: string;
}

const textBody = (v: unknown): Buffer => Buffer.from(bodyText(v));

/** Near-valid Responses API bodies: right shape, wrong parts. */
const responsesBase = fc.record(
  {
    model: fc.constantFrom('mock-gpt', 'auto'),
    input: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'developer', 'system'), content: fc.string({ maxLength: 20 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    instructions: fc.string({ maxLength: 20 }),
    stream: fc.boolean(),
    store: fc.boolean(),
    max_output_tokens: fc.integer({ min: 1, max: 2000 }),
  },
  { requiredKeys: ['model', 'input'] },
);
const RESPONSES_PATHS = [
  'model',
  'input',
  'input.0',
  'input.-',
  'input.0.role',
  'input.0.content',
  'input.*.content.0',
  'instructions',
  'tools',
  'tools.-',
  'tool_choice',
  'text',
  'reasoning',
  'include',
  'previous_response_id',
  'store',
  'stream',
  'metadata',
  'truncation',
  'max_output_tokens',
];
export const responsesBody = fc.oneof({ weight: 9, arbitrary: mutated(responsesBase, RESPONSES_PATHS) }, { weight: 1, arbitrary: anything });

/** Credentials: mostly the right key, in either dialect's header, sometimes none or wrong. */
function credentials(s: FuzzSecrets): fc.Arbitrary<Array<[string, string]>> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant([['authorization', `Bearer ${s.key}`]] as Array<[string, string]>) },
    { weight: 2, arbitrary: fc.constant([['x-api-key', s.key]] as Array<[string, string]>) },
    { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('Bearer', 'bearer', 'Basic', 'Bearer  ', '')
        .chain((scheme) => fc.string({ maxLength: 60 }).map((k) => [['authorization', `${scheme} ${k}`.replace(/[\r\n\0]/g, '')]] as Array<[string, string]>)),
    },
    { weight: 1, arbitrary: fc.constant([['authorization', `Bearer ${s.adminKey}`]] as Array<[string, string]>) },
  );
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON'];
const ODD_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  '*/*',
  'application/jsonx',
  ';;;',
  '',
];
const contentType = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...JSON_TYPES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TYPES) });

/** Optional headers a client may add, sane and not. */
const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.oneof(
    fc.constantFrom<[string, string]>(
      ['anthropic-version', '2023-06-01'],
      ['anthropic-beta', 'prompt-caching-2024-07-31'],
      ['x-request-id', 'fuzz-request'],
      ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
      ['traceparent', '00-zz-yy-01'],
      ['accept', 'text/event-stream'],
      ['accept-encoding', 'gzip, br'],
      ['origin', 'https://evil.example'],
      ['x-forwarded-for', '1.2.3.4, 5.6.7.8'],
      ['x-gateway-explain', '1'],
      ['x-gateway-cache', 'bypass'],
      ['cache-control', 'no-cache'],
      ['x-user-id', 'user-1'],
    ),
    fc
      .tuple(
        fc.constantFrom('x-request-id', 'x-user-id', 'x-team-id', 'openai-organization', 'x-gateway-route', 'user-agent'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
      )
      .map(([k, v]) => [k, v.replace(/[\r\n\0]/g, '')] as [string, string]),
  ),
  { maxLength: 3 },
);

const LLM_ROUTES: Array<[string, fc.Arbitrary<unknown>]> = [
  ['/v1/chat/completions', chatBody],
  ['/chat/completions', chatBody],
  ['/v1/embeddings', embeddingsBody],
  ['/v1/messages', messagesBody],
  ['/v1/messages/count_tokens', messagesBody],
  ['/v1/responses', responsesBody],
];

/** The LLM endpoints with near-valid bodies (wrong types, nulls, deep nesting, huge strings) and any JSON. */
function llmPost(s: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...LLM_ROUTES.map(([path, arb]) =>
      fc
        .record({
          body: fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: anything }),
          auth: credentials(s),
          ct: contentType,
          extra: extraHeaders,
        })
        .map(({ body, auth, ct, extra }): FuzzRequest => ({
          kind: `POST ${path}`,
          transport: 'client',
          method: 'POST',
          path,
          headers: [['content-type', ct], ...auth, ...extra],
          body: textBody(body),
        })),
    ),
  );
}

/** Path segments that are not what a router expects: bad %-escapes, dot-segments, encoded slashes, long and non-ASCII. */
const oddSegment = fc.oneof(
  fc.constantFrom('%E0%A4%A', '%', '%%', '%zz', '%00', '%2e%2e', '..', '.', '%2F', '%5C', 'a%2Fb', '%C0%AE', '%F0%9F%98%80', 'é', '~', '*', 'null', ''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((x) => encodeURIComponent(x)),
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'a'.repeat(n)),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?limit=1',
    '?limit=-5',
    '?limit=abc',
    '?limit=1e309',
    '?order=asc',
    '?order=sideways',
    '?after=%E0%A4%A',
    '?cursor=x&cursor=y',
    '?a[b]=1',
    '?%%',
  ),
);

/** GET and DELETE endpoints, and what lives next to them. */
function reads(s: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof(fc.constantFrom(s.responseId, 'resp_missing', 'mock-gpt', 'mock-embed', 'auto'), oddSegment);
  const target = fc.oneof(
    fc.constantFrom('/v1/models', '/models', '/healthz', '/readyz', '/metrics', '/v1/models/mock-gpt', '/v1/responses/'),
    id.map((i) => `/v1/models/${i}`),
    id.map((i) => `/v1/responses/${i}`),
    id.map((i) => `/v1/responses/${i}/input_items`),
  );
  return fc
    .record({
      target,
      q: query,
      method: fc.constantFrom('GET', 'GET', 'GET', 'DELETE', 'HEAD', 'POST', 'PUT', 'OPTIONS'),
      auth: credentials(s),
      extra: extraHeaders,
    })
    .map(({ target, q, method, auth, extra }) => ({
      kind: `${method} ${target.split('/').slice(0, 3).join('/')}`,
      transport: 'client',
      method,
      path: target + q,
      headers: [...auth, ...extra],
    }));
}

const ADMIN_PATHS = [
  '/admin/config/status',
  '/admin/keys',
  '/admin/keys/key_missing',
  '/admin/keys/key_missing/revoke',
  '/admin/keys/key_missing/rotate',
  '/admin/users',
  '/admin/users/user_missing',
  '/admin/teams',
  '/admin/teams/team_missing',
  '/admin/usage',
  '/admin/spend',
  '/admin/audit',
  '/admin/breakers',
  '/admin/routing/health',
  '/admin/route/explain',
  '/admin/',
  '/admin/nope',
];

/** The admin API, with the admin key, a client key, a wrong key or none, and bodies of any shape. */
function admin(s: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  const auth = fc.oneof(
    { weight: 4, arbitrary: fc.constant([['authorization', `Bearer ${s.adminKey}`]] as Array<[string, string]>) },
    { weight: 1, arbitrary: credentials(s) },
  );
  const path = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ADMIN_PATHS) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/admin/keys/', '/admin/users/', '/admin/teams/', '/admin/'), oddSegment).map(([a, b]) => a + b) },
  );
  const body = fc.oneof(
    anything,
    fc.record(
      {
        name: anything,
        team_id: anything,
        email: anything,
        user_id: anything,
        permissions: anything,
        limits: anything,
        budget: anything,
        expires_at: anything,
      },
      { requiredKeys: [] },
    ),
    fc.record({ endpoint: fc.constantFrom('chat', 'embeddings', 'x'), body: anything, principal: anything, headers: anything }, { requiredKeys: [] }),
    chatBody,
  );
  return fc
    .record({
      path,
      q: query,
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
      auth,
      body: fc.option(body, { nil: undefined }),
      ct: contentType,
    })
    .map(({ path, q, method, auth, body, ct }) => ({
      kind: `${method} /admin`,
      transport: 'client',
      method,
      path: path + q,
      headers: [...auth, ...(body === undefined ? [] : ([['content-type', ct]] as Array<[string, string]>))],
      body: body === undefined ? undefined : textBody(body),
    }));
}

/** The proxy routes (an app behind one with auth and header rewriting, one without). */
function proxy(s: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      prefix: fc.constantFrom('/apps/echo', '/apps/open'),
      rest: fc.array(oddSegment, { maxLength: 3 }).map((parts) => (parts.length ? `/${parts.join('/')}` : '')),
      q: query,
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      auth: credentials(s),
      body: fc.option(
        fc.oneof(
          anything.map(textBody),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        { nil: undefined },
      ),
      extra: extraHeaders,
    })
    .map(({ prefix, rest, q, method, auth, body, extra }) => ({
      kind: `${method} ${prefix}`,
      transport: 'client',
      method,
      path: prefix + rest + q,
      headers: [...auth, ...extra, ...(body === undefined ? [] : ([['content-type', 'application/octet-stream']] as Array<[string, string]>))],
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    }));
}

/** Bytes that are not UTF-8, inside otherwise near-valid chat JSON. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom(...[[0xff], [0xc0, 0xaf], [0xc1, 0xa5], [0xed, 0xa0, 0x80], [0xe0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]),
    fc.constantFrom('content', 'model', 'role'),
  )
  .map(([bytes, where]) => {
    const before =
      where === 'model'
        ? '{"model":"mock'
        : where === 'role'
          ? '{"model":"mock-gpt","messages":[{"role":"us'
          : '{"model":"mock-gpt","messages":[{"role":"user","content":"hi';
    const after = where === 'model' ? '-gpt","messages":[{"role":"user","content":"hi"}]}' : where === 'role' ? 'er","content":"hi"}]}' : '"}]}';
    return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
  });

const TOKEN_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get', 'FOO', 'M-SEARCH', 'PURGE'];
const RAW_TARGETS = [
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/models/%E0%A4%A',
  '/v1/models/\xe9\xff',
  '/admin/keys',
  '/apps/echo/../../admin/keys',
  '/apps/echo/%2e%2e/%2e%2e/admin',
  '*',
  'http://evil.example/v1/models',
  '//v1/models',
  '/v1/models?\x01',
  '/healthz#frag',
  '/metrics',
];

/**
 * What no client library sends: odd methods, absolute and non-ASCII targets, huge and
 * malformed headers, repeated Content-Length, upgrades, invalid UTF-8, odd content types.
 * Written on a socket of its own with `Connection: close`.
 */
const raw: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom(...TOKEN_METHODS),
    target: fc.oneof(
      fc.constantFrom(...RAW_TARGETS),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }).map((x) => `/${x.replace(/[\s]/g, '')}`),
    ),
    headers: fc.array(
      fc.oneof(
        fc.constantFrom<[string, string]>(
          ['content-type', 'application/json'],
          ['content-type', 'application/json; charset=utf-16'],
          ['content-type', 'text/html'],
          ['content-type', 'application/json, text/plain'],
          ['transfer-encoding', 'chunked'],
          ['expect', '100-continue'],
          ['connection', 'upgrade'],
          ['upgrade', 'websocket'],
          ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
          ['sec-websocket-version', '13'],
          ['authorization', 'Bearer'],
          ['authorization', ''],
          ['x-api-key', ''],
          ['host', ''],
          ['content-encoding', 'gzip'],
        ),
        fc.integer({ min: 4_000, max: 40_000 }).map((n) => ['x-huge', 'h'.repeat(n)] as [string, string]),
        fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((v) => ['x-odd', v.replace(/[\r\n]/g, '')] as [string, string]),
        fc.constant(['x-bytes', '\xe9\xff\xfe'] as [string, string]),
      ),
      { maxLength: 4 },
    ),
    body: fc.option(fc.oneof(invalidUtf8, anything.map(textBody), chatBody.map(textBody)), { nil: undefined }),
  })
  .map(({ method, target, headers, body }) => ({ kind: `raw ${method}`, transport: 'raw', method, path: target, headers, body }));

/** Every kind of request, weighted towards the LLM endpoints. */
export function anyRequest(s: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 40, arbitrary: llmPost(s) },
    {
      weight: 5,
      arbitrary: invalidUtf8.map((body): FuzzRequest => ({
        kind: 'POST invalid UTF-8',
        transport: 'client',
        method: 'POST',
        path: '/v1/chat/completions',
        headers: [
          ['content-type', 'application/json'],
          ['authorization', `Bearer ${s.key}`],
        ],
        body,
      })),
    },
    { weight: 15, arbitrary: reads(s) },
    { weight: 15, arbitrary: admin(s) },
    { weight: 10, arbitrary: proxy(s) },
    { weight: 15, arbitrary: raw },
  );
}

/** A request, short enough to print. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body(${r.body.length} B)=${JSON.stringify(r.body.subarray(0, 400).toString('latin1'))}`;
  const headers = r.headers.map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`).join(' | ');
  const path = r.path.length > 200 ? `${r.path.slice(0, 200)}…(${r.path.length})` : r.path;
  return `[${r.transport}] ${r.method} ${JSON.stringify(path)} {${headers}}${body}`;
}
