/**
 * Compiles a pipeline once per config generation into per-phase arrays holding only the
 * plugins that implement each phase (Kong's phase arrays, Fastify's per-route hooks), so
 * the per-request path is an index loop with no lookups and no closures made.
 */
import type { PluginDefinition, PluginEnv, PluginInstance } from './types.ts';

export interface CompiledPlugin {
  /** Instance id: `use` or the entry's `id`. Named in logs and metrics. */
  readonly id: string;
  /** Position in the pipeline (0 = top); a short-circuit at i runs response phases of < i. */
  readonly index: number;
  readonly instance: PluginInstance;
}

export interface CompiledPipeline {
  readonly plugins: readonly CompiledPlugin[];
  /** Top→bottom, before the body is read. */
  readonly onHeaders: readonly CompiledPlugin[];
  /** Top→bottom. */
  readonly onRequest: readonly CompiledPlugin[];
  readonly invoke: CompiledPlugin | null;
  /** Top→bottom, per upstream call. */
  readonly onAttempt: readonly CompiledPlugin[];
  /** Bottom→top. */
  readonly onResponse: readonly CompiledPlugin[];
  readonly onStreamChunk: readonly CompiledPlugin[];
  readonly onError: readonly CompiledPlugin[];
  readonly onDone: readonly CompiledPlugin[];
}

export interface PluginSpec {
  id: string;
  definition: PluginDefinition;
  config: Readonly<Record<string, unknown>>;
}

/** Create every instance (in order), then compile. If one create fails, the ones made are closed. */
export async function createPipeline(specs: readonly PluginSpec[], envFor: (id: string) => PluginEnv): Promise<CompiledPipeline> {
  const made: CompiledPlugin[] = [];
  try {
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!;
      const instance = await s.definition.create(s.config, envFor(s.id));
      made.push({ id: s.id, index: i, instance });
    }
  } catch (err) {
    await closePipeline(made);
    throw err;
  }
  return compile(made);
}

export function compile(plugins: readonly CompiledPlugin[]): CompiledPipeline {
  const has = (phase: keyof PluginInstance) => plugins.filter((p) => typeof p.instance[phase] === 'function');
  const invokers = has('invoke');
  if (invokers.length > 1) throw new Error(`only one terminal plugin may implement invoke (found ${invokers.map((p) => p.id).join(', ')})`);
  return {
    plugins,
    onHeaders: has('onHeaders'),
    onRequest: has('onRequest'),
    invoke: invokers[0] ?? null,
    onAttempt: has('onAttempt'),
    onResponse: has('onResponse').reverse(),
    onStreamChunk: has('onStreamChunk').reverse(),
    onError: has('onError').reverse(),
    onDone: has('onDone').reverse(),
  };
}

/** Close instances (old generation, after it drained). Errors are returned, not thrown. */
export async function closePipeline(plugins: readonly CompiledPlugin[]): Promise<unknown[]> {
  const results = await Promise.allSettled(plugins.map((p) => p.instance.close?.()));
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
}
