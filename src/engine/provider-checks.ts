/**
 * Config checks that need the provider adapters: each `providers.<name>.type` names a
 * built-in adapter or a loadable module, and its `options` match that adapter's
 * optionsSchema. Run as the config loader's extraChecks, so issues are located in the file
 * like every other config error.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { GatewayConfig } from './config/types.ts';
import type { ExtraIssue } from './config/index.ts';
import type { ProviderAdapterDefinition } from './types.ts';
import { loadAdapter } from '../plugins-builtin/provider/adapters/index.ts';

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
  for (const [name, p] of Object.entries(config.providers)) {
    let def: ProviderAdapterDefinition;
    try {
      def = await loadAdapter(p.type, configDir);
    } catch (err) {
      issues.push({ path: `providers.${name}.type`, message: (err as Error).message });
      continue;
    }
    const validate = optionsValidator(def);
    if (!validate || validate(p.options ?? {})) continue;
    for (const e of validate.errors ?? []) {
      const extra = e.keyword === 'additionalProperties' ? `.${(e.params as { additionalProperty: string }).additionalProperty}` : '';
      const message = e.keyword === 'additionalProperties' ? `unknown option for type ${p.type}` : (e.message ?? 'is invalid');
      issues.push({ path: `providers.${name}.options${e.instancePath.replaceAll('/', '.')}${extra}`, message });
    }
  }
  return issues;
}
