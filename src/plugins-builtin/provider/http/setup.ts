/**
 * What every HTTP adapter builds once at create time from its `providers.<name>` entry:
 * the pooled client, the secret scrubber and the frozen base headers.
 *
 * @example
 *   const { http, headers } = providerHttp(config, 'https://api.openai.com/v1', (k) => ({ authorization: `Bearer ${k}` }));
 */
import type { ProviderConfig } from '../../../engine/config/types.ts';
import type { AdapterEnv } from '../../../engine/types.ts';
import { UpstreamHttp } from './client.ts';
import { secretScrubber } from './redact.ts';
import { httpOptionsOf } from './options.ts';
import { poolWaitObserver } from './metrics.ts';

export interface ProviderHttp {
  http: UpstreamHttp;
  /** content-type, auth and the config's extra headers. */
  headers: Readonly<Record<string, string>>;
  scrub: (s: string) => string;
}

/** Where the client is: its provider name (a metric label) and the adapter env (metrics), when the caller has them. */
export interface ProviderHttpEnv {
  name: string;
  env?: AdapterEnv;
}

export function providerHttp(
  config: Readonly<ProviderConfig>,
  defaultBaseUrl: string,
  auth: (apiKey: string) => Record<string, string>,
  where?: ProviderHttpEnv,
): ProviderHttp {
  const scrub = secretScrubber([config.api_key, ...Object.values(config.headers ?? {})]);
  const baseUrl = config.base_url ?? defaultBaseUrl;
  const { maxResponseBytes } = httpOptionsOf(config);
  const onPoolWait = where?.env?.metrics ? poolWaitObserver(where.env.metrics, where.name) : undefined;
  const http = new UpstreamHttp(baseUrl, { connections: config.connections, scrub, maxResponseBytes, onPoolWait });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.api_key) Object.assign(headers, auth(config.api_key));
  for (const [k, v] of Object.entries(config.headers ?? {})) headers[k.toLowerCase()] = v;
  return { http, headers: Object.freeze(headers), scrub };
}

/** The body's JSON bytes, or `rawBody` when the adapter knows the bytes are the same. */
export function requestBytes(body: unknown, rawBody: Buffer | undefined): string | Buffer {
  return rawBody ?? JSON.stringify(body);
}
