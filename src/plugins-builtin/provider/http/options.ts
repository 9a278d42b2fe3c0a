/**
 * Settings every HTTP adapter accepts under `providers.<name>.options`, declared once so
 * each adapter's options schema spreads the same properties and the HTTP layer reads them
 * in one place.
 *
 * @example
 *   optionsSchema: { type: 'object', additionalProperties: false, properties: { ...HTTP_OPTION_PROPERTIES, api_version: {…} } }
 */
import type { ProviderConfig } from '../../../engine/config/types.ts';

/** 32 MiB: far above any real chat or embeddings answer, far below what hurts the process. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const HTTP_OPTION_PROPERTIES = {
  max_response_bytes: {
    type: 'integer',
    minimum: 1024,
    default: DEFAULT_MAX_RESPONSE_BYTES,
    description:
      'Largest upstream answer accepted, in bytes: the whole body of a plain answer, every byte of a stream. A larger one is cut off and the request fails with 502 bad_upstream_response.',
  },
} as const;

export interface HttpOptions {
  maxResponseBytes: number;
}

/** The shared HTTP settings of one provider entry, defaults applied. */
export function httpOptionsOf(config: Readonly<ProviderConfig>): HttpOptions {
  const o = (config.options ?? {}) as { max_response_bytes?: number };
  return { maxResponseBytes: o.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES };
}
