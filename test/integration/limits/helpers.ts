/** Shared bits of the identity-and-limits integration tests. */
import { postJson } from '../../helpers/gateway.ts';

export const ADMIN_KEY = 'admin-test-key-0123456789';

/** A config with an admin key and the identity pipeline around the mock provider. */
export function identityConfig(opts: { stores?: string; pipeline?: string; extra?: string } = {}): string {
  return `version: 1
stores: ${opts.stores ?? '{ state: { type: memory }, db: { type: memory } }'}
admin: { key: ${ADMIN_KEY} }
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, pricing: { input_per_1m: 1000000, output_per_1m: 1000000 } }
pipeline:
${
  opts.pipeline ??
  `  - use: auth
  - use: rate-limit
  - use: budget
  - use: audit
  - use: provider`
}
${opts.extra ?? ''}`;
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_KEY}` };

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  if (method === 'POST' || method === 'PATCH') {
    const r = await fetch(`${url}/admin${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...adminHeaders },
      body: JSON.stringify(body ?? {}),
    });
    return { status: r.status, json: await r.json() };
  }
  const r = await fetch(`${url}/admin${path}`, { method, headers: adminHeaders });
  return { status: r.status, json: await r.json() };
}

/** One chat request with `words` user words; the mock's usage = words + reply words. */
export function chat(url: string, key: string, opts: { stream?: boolean; text?: string; max_tokens?: number } = {}) {
  return postJson(
    `${url}/v1/chat/completions`,
    {
      model: 'mock-gpt',
      messages: [{ role: 'user', content: opts.text ?? 'hello there' }],
      ...(opts.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...(opts.max_tokens ? { max_tokens: opts.max_tokens } : {}),
    },
    { authorization: `Bearer ${key}` },
  );
}
