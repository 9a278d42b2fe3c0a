/**
 * Builds the model catalog of one config generation: a Deployment per `models[]` entry
 * (entries sharing a name form a group) and a ProviderClient per `providers.<name>`.
 * Provider clients are reused across generations while their config is unchanged, so a
 * reload does not drop warm keep-alive pools.
 */
import type { Logger } from 'pino';
import type { GatewayConfig, ProviderConfig, TimeoutsConfig, RetryConfig } from './config/types.ts';
import type { Deployment, ModelCatalog, ProviderClient } from './types.ts';
import type { Capability } from './openai-types.ts';
import type { MetricsRegistry } from './metrics.ts';
import { configScope, loadAdapter } from './registry.ts';

export const DEFAULT_TIMEOUTS: Required<TimeoutsConfig> = { connect_ms: 10_000, first_byte_ms: 60_000, idle_ms: 30_000, total_ms: 600_000 };
export const DEFAULT_RETRY: Required<RetryConfig> = { attempts: 2, base_delay_ms: 200, max_delay_ms: 5_000 };

export interface CachedClient {
  key: string;
  client: ProviderClient;
}

export interface BuiltCatalog {
  catalog: ModelCatalog;
  /** The clients this catalog uses, by provider name: hand to the next build for reuse. */
  clients: Map<string, CachedClient>;
}

const clientKey = (p: ProviderConfig) => JSON.stringify(p);

export async function buildCatalog(
  config: Readonly<GatewayConfig>,
  configDir: string,
  logger: Logger,
  previous?: Map<string, CachedClient>,
  metrics?: MetricsRegistry,
): Promise<BuiltCatalog> {
  const clients = new Map<string, CachedClient>();
  const defaults = new Map<string, readonly Capability[]>();
  // The adapters validation loaded: the registry's cache answers at once.
  const scope = configScope(config, configDir);
  for (const [name, p] of Object.entries(config.providers)) {
    const adapter = await loadAdapter(p.type, scope);
    const key = clientKey(p);
    const prev = previous?.get(name);
    const cached = prev && prev.key === key ? prev : { key, client: adapter.create(name, p, { logger: logger.child({ provider: name }), metrics }) };
    clients.set(name, cached);
    // The client knows its options (e.g. Hugging Face's hosted API cannot stream).
    defaults.set(name, cached.client.defaultCapabilities);
  }

  const groups = new Map<string, Deployment[]>();
  const seen = new Map<string, number>();
  const all: Deployment[] = [];
  for (const m of config.models) {
    const p = config.providers[m.provider]!;
    const base = `${m.provider}/${m.model}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const d: Deployment = {
      id: n === 0 ? base : `${base}#${n}`,
      name: m.name,
      provider: m.provider,
      providerType: p.type,
      model: m.model,
      contextWindow: m.context_window,
      maxOutputTokens: m.max_output_tokens,
      pricing: m.pricing,
      capabilities: withImplied(new Set(m.capabilities ?? defaults.get(m.provider) ?? [])),
      weight: m.weight ?? 1,
      rpm: m.rpm,
      tpm: m.tpm,
      timeouts: { ...DEFAULT_TIMEOUTS, ...p.timeouts, ...m.timeouts },
      retry: { ...DEFAULT_RETRY, ...p.retry, ...m.retry },
      tags: m.tags ?? [],
      config: m,
    };
    all.push(d);
    let g = groups.get(m.name);
    if (!g) groups.set(m.name, (g = []));
    g.push(d);
  }
  const names = [...groups.keys()];
  const catalog: ModelCatalog = {
    group: (name) => groups.get(name),
    names: () => names,
    all: () => all,
    provider: (name) => clients.get(name)?.client,
  };
  return { catalog, clients };
}

/** Close the clients of `old` that `next` does not reuse. */
export async function closeUnusedClients(old: Map<string, CachedClient>, next: Map<string, CachedClient> | undefined): Promise<void> {
  const kept = new Set([...(next?.values() ?? [])].map((c) => c.client));
  await Promise.allSettled([...old.values()].filter((c) => !kept.has(c.client)).map((c) => c.client.close()));
}

/** `json_mode` implies `structured_output` (see Capability): a JSON-mode model takes a schema too. */
function withImplied(caps: Set<Capability>): ReadonlySet<Capability> {
  if (caps.has('json_mode')) caps.add('structured_output');
  return caps;
}
