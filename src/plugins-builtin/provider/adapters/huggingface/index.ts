/**
 * `type: huggingface` — three Hugging Face serving stacks, chosen by `options.api`:
 * - `tgi` (default): Text Generation Inference. Chat goes to its OpenAI route
 *   (/v1/chat/completions); `options.tgi_route: native` uses /generate and /generate_stream.
 * - `inference-api`: the hosted serverless API (POST /models/{model}); no streaming
 *   upstream, so a streamed request is emulated from the full answer.
 * - `tei`: Text Embeddings Inference (POST /embed), embeddings only.
 */
import type { Capability } from '../../../../engine/openai-types.ts';
import type { AdapterEnv, CallOptions, ProviderAdapterDefinition, ProviderClient, UpstreamResponse } from '../../../../engine/types.ts';
import type { ProviderConfig } from '../../../../engine/config/types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { providerHttp } from '../../http/setup.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';
import { chatJsonCall, jsonCall, streamCall } from '../../http/translate.ts';
import { openaiCompatibleClient } from '../openai/base.ts';
import { fromTgiGenerate, toTgiGenerate, TgiStreamTranslator } from './tgi-native.ts';
import { emulatedStream, fromServerless, toServerless } from './serverless.ts';
import { fromTei, toTei } from './tei.ts';

interface HfOptions {
  api?: 'tgi' | 'inference-api' | 'tei';
  tgi_route?: 'openai' | 'native';
}

const SERVERLESS_URL = 'https://api-inference.huggingface.co';
const CAPS: Record<string, readonly Capability[]> = {
  tgi: ['chat', 'stream', 'tools', 'json_mode'],
  'inference-api': ['chat'],
  tei: ['embeddings'],
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const noChat = () =>
  Promise.reject(gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { message: 'This Hugging Face endpoint (tei) serves embeddings only.', param: 'model' }));

function tgiNative(name: string, config: Readonly<ProviderConfig>, env: AdapterEnv): ProviderClient {
  const p = providerHttp(config, 'http://127.0.0.1:8080', bearer, { name, env });
  return {
    name,
    type: 'huggingface',
    defaultCapabilities: ['chat', 'stream'],
    async chat(body, call) {
      const upstream = toTgiGenerate(body);
      const prompt = upstream.inputs as string;
      if (body.stream === true) return streamCall(p, '/generate_stream', upstream, call, () => new TgiStreamTranslator(body.model, prompt, p.scrub));
      return chatJsonCall(p, '/generate', upstream, call, (json, status) => fromTgiGenerate(json, status, body.model, prompt));
    },
    close: () => p.http.close(),
  };
}

function serverless(name: string, config: Readonly<ProviderConfig>, env: AdapterEnv): ProviderClient {
  const p = providerHttp(config, SERVERLESS_URL, bearer, { name, env });
  return {
    name,
    type: 'huggingface',
    defaultCapabilities: CAPS['inference-api']!,
    async chat(body, call: CallOptions): Promise<UpstreamResponse> {
      const { prompt, body: upstream } = toServerless(body);
      const res = await chatJsonCall(p, `/models/${body.model}`, upstream, call, (json, status) => fromServerless(json, status, body.model, prompt));
      if (body.stream !== true) return res;
      return { kind: 'stream', status: res.status, headers: res.headers, events: emulatedStream(res.body as ReturnType<typeof fromServerless>) };
    },
    close: () => p.http.close(),
  };
}

function tei(name: string, config: Readonly<ProviderConfig>, env: AdapterEnv): ProviderClient {
  const p = providerHttp(config, 'http://127.0.0.1:8080', bearer, { name, env });
  return {
    name,
    type: 'huggingface',
    defaultCapabilities: CAPS.tei!,
    chat: noChat,
    embeddings: (body, call) => jsonCall(p, '/embed', toTei(body), call, (json, status) => fromTei(json, status, body)),
    close: () => p.http.close(),
  };
}

const huggingface: ProviderAdapterDefinition = {
  type: 'huggingface',
  defaultCapabilities: CAPS.tgi!,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...HTTP_OPTION_PROPERTIES,
      api: { type: 'string', enum: ['tgi', 'inference-api', 'tei'], default: 'tgi', description: 'Which Hugging Face server this provider is.' },
      tgi_route: {
        type: 'string',
        enum: ['openai', 'native'],
        default: 'openai',
        description: 'TGI only: its OpenAI-compatible route, or native /generate with a plain role-prefixed prompt.',
      },
      stream_usage: { type: 'boolean', default: true, description: 'TGI OpenAI route: ask streams for a final usage chunk.' },
    },
  },
  create(name, config, env): ProviderClient {
    const o = (config.options ?? {}) as HfOptions;
    if (o.api === 'inference-api') return serverless(name, config, env);
    if (o.api === 'tei') return tei(name, config, env);
    if (o.tgi_route === 'native') return tgiNative(name, config, env);
    const client = openaiCompatibleClient(
      name,
      config,
      {
        type: 'huggingface',
        defaultBaseUrl: 'http://127.0.0.1:8080',
        defaultCapabilities: CAPS.tgi!,
        auth: bearer,
        chatPath: () => '/v1/chat/completions',
      },
      env,
    );
    return { ...client, embeddings: undefined };
  },
};

export default huggingface;
