/**
 * The gateway's own JSON Schema (schemas/gateway.schema.json, hand-written) and the ajv
 * instance that checks it. Compiled once per process, on first use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { GatewayConfig } from './types.ts';
import type { JSONSchema } from '../types.ts';

/** Where the schemas live: `<repo>/schemas/`. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));
export const GATEWAY_SCHEMA_FILE = `${SCHEMAS_DIR}gateway.schema.json`;

/**
 * Options for every validator: all errors at once, defaults written into the data, and
 * `verbose` so messages can list the allowed keys (it adds the data to errors too: we
 * never print it). `discriminator` lets defaults apply inside `stores.*` variants.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  verbose: true,
  discriminator: true,
  allowUnionTypes: true,
};

/** Build an ajv instance with formats (uri, …) registered. */
export function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  addFormats.default(ajv);
  return ajv;
}

let gatewayValidator: ValidateFunction<GatewayConfig> | undefined;

/** The gateway schema as parsed JSON (a fresh copy: callers may change it). */
export function readGatewaySchema(): JSONSchema {
  return JSON.parse(readFileSync(GATEWAY_SCHEMA_FILE, 'utf8')) as JSONSchema;
}

/**
 * The compiled gateway schema. Strict: an unknown keyword or a type mismatch in the
 * schema itself is a bug to fail on (strictRequired is off: `required` inside oneOf
 * branches names properties declared beside it).
 *
 * @example
 *   const validate = getGatewayValidator();
 *   if (!validate(tree)) console.log(validate.errors);
 */
export function getGatewayValidator(): ValidateFunction<GatewayConfig> {
  gatewayValidator ??= createAjv({ strict: true, strictRequired: false }).compile<GatewayConfig>(readGatewaySchema());
  return gatewayValidator;
}
