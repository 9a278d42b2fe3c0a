/**
 * `definePlugin` and `defineAdapter`: identity functions that exist for the compiler. A
 * plugin written as a bare object literal must spell its config type twice (the schema
 * and a TypeScript interface); `definePlugin` types `create(config)` from an inline
 * `configSchema` (required keys and keys with a `default` are present, since the engine
 * applies defaults before `create`), or from the type `create`'s parameter is annotated
 * with when the schema comes from a JSON file (TypeScript widens those, so nothing can be
 * read from them). Nothing happens at run time: the engine checks the definition at load.
 */
import type { JSONSchema, PluginDefinition, ProviderAdapterDefinition } from '../engine/types.ts';

/** The keys an object schema lists in `required`. */
type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

/** The keys whose schema has a `default`: the engine fills them in, so they are present. */
type DefaultedKeys<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Flatten<
      { readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? K : never]: FromSchema<P[K]> } & {
        readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? never : K]?: FromSchema<P[K]>;
      }
    >
  : Readonly<Record<string, unknown>>;

type ItemsOf<S> = S extends { readonly items: infer I } ? I : unknown;

/**
 * The TypeScript type of a value a JSON Schema accepts, for the keywords config schemas
 * use (type, properties, required, default, items, enum, const, anyOf/oneOf). Anything it
 * cannot read is `unknown`.
 */
export type FromSchema<S> = S extends { readonly const: infer V }
  ? V
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly anyOf: readonly (infer U)[] }
      ? FromSchema<U>
      : S extends { readonly oneOf: readonly (infer U)[] }
        ? FromSchema<U>
        : S extends { readonly type: 'object' }
          ? ObjectOf<S>
          : S extends { readonly type: 'string' }
            ? string
            : S extends { readonly type: 'integer' | 'number' }
              ? number
              : S extends { readonly type: 'boolean' }
                ? boolean
                : S extends { readonly type: 'null' }
                  ? null
                  : S extends { readonly type: 'array' }
                    ? readonly FromSchema<ItemsOf<S>>[]
                    : unknown;

/**
 * The config type `create` receives for a schema: `FromSchema` of an inline (`as const`)
 * object schema, else a plain record (a schema imported from JSON is widened by TypeScript
 * and says nothing; annotate `create`'s parameter instead).
 */
export type PluginConfigOf<S> = S extends { readonly type: 'object' } ? FromSchema<S> : Readonly<Record<string, unknown>>;

/**
 * A plugin definition, typed. Its default export is what `use:` loads.
 *
 * @example
 *   // config is { readonly header: string; readonly value: string } — read from the schema
 *   export default definePlugin({
 *     name: 'stamp', version: '1.0.0', engine: '^1.0.0',
 *     configSchema: {
 *       type: 'object', additionalProperties: false, required: ['value'],
 *       properties: { header: { type: 'string', default: 'x-stamp' }, value: { type: 'string' } },
 *     },
 *     create(config) {
 *       return { onResponse(ctx) { ctx.responseHeaders[config.header] = config.value; } };
 *     },
 *   });
 * @example
 *   // schema in a JSON file: say the type once, on create's parameter
 *   export default definePlugin({ …, configSchema: schema, create(config: TaggerConfig) { … } });
 */
export function definePlugin<const S extends JSONSchema, C = PluginConfigOf<S>>(definition: PluginDefinition<C> & { configSchema: S }): PluginDefinition<C> {
  return definition;
}

/**
 * A provider adapter definition, typed. Its default export is what `providers.<name>.type`
 * loads; an OpenAI-compatible vendor builds its client on `openaiCompatibleClient`.
 *
 * @example
 *   export default defineAdapter({
 *     type: 'my-vendor', defaultCapabilities: ['chat', 'stream'],
 *     create: (name, config, env) => openaiCompatibleClient(name, config, {
 *       type: 'my-vendor', defaultBaseUrl: 'https://api.vendor.ai/v1', defaultCapabilities: ['chat', 'stream'],
 *       auth: (key) => ({ authorization: `Bearer ${key}` }),
 *     }, env),
 *   });
 */
export function defineAdapter(definition: ProviderAdapterDefinition): ProviderAdapterDefinition {
  return definition;
}
