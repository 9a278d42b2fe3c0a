/**
 * Config checks that need the provider adapters: each `providers.<name>.type` names a
 * built-in adapter or a module the registry accepts (the same rules as plugins), and its
 * `options` match that adapter's optionsSchema. Run as the config loader's extraChecks —
 * also when other checks failed, so the tree is read defensively — and located in the file
 * like every other config error.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { GatewayConfig } from './config/types.ts';
import type { ExtraIssue } from './config/index.ts';
import type { ProviderAdapterDefinition } from './types.ts';
import { formatPath } from './config/paths.ts';
import { configScope, loadAdapter } from './registry.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<ProviderAdapterDefinition, ValidateFunction>();

function optionsValidator(def: ProviderAdapterDefinition): ValidateFunction | undefined {
  if (!def.optionsSchema) return undefined;
  let v = compiled.get(def);
  if (!v) compiled.set(def, (v = ajv.compile(def.optionsSchema)));
  return v;
}

export async function providerIssues(config: Readonly<GatewayConfig>, configDir: string): Promise<ExtraIssue[]> {
  const issues: ExtraIssue[] = [];
  const providers = config.providers !== null && typeof config.providers === 'object' ? config.providers : {};
  const scope = configScope(config, configDir);
  for (const [name, p] of Object.entries(providers)) {
    if (p === null || typeof p !== 'object' || typeof p.type !== 'string') continue; // the schema says so
    let def: ProviderAdapterDefinition;
    try {
      def = await loadAdapter(p.type, scope);
    } catch (err) {
      issues.push({ path: formatPath(['providers', name, 'type']), message: (err as Error).message });
      continue;
    }
    const validate = optionsValidator(def);
    if (!validate || validate(p.options ?? {})) continue;
    for (const e of validate.errors ?? []) {
      const at = ['providers', name, 'options', ...e.instancePath.split('/').slice(1)];
      if (e.keyword === 'additionalProperties') {
        issues.push({
          path: formatPath([...at, (e.params as { additionalProperty: string }).additionalProperty]),
          message: `unknown option for type ${p.type}`,
        });
      } else issues.push({ path: formatPath(at), message: e.message ?? 'is invalid' });
    }
  }
  return issues;
}
