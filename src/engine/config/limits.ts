/**
 * Bounds on a config file, so a hostile or mistaken one (a YAML alias bomb, a 50 MB list,
 * a megabyte header value) is refused quickly instead of stalling or bloating the gateway.
 * They cannot live in the file they guard: each has a default here and an environment
 * variable to raise it (README "Configuration → Limits").
 */
import type { Env } from './interpolate.ts';

export interface ConfigLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most nodes (mappings, sequences, scalars), counted after aliases are expanded. */
  maxNodes: number;
  /** Most alias expansions (`*name`), counting those inside expanded aliases. */
  maxAliases: number;
  /** Deepest nesting of mappings and sequences. */
  maxDepth: number;
  /** Longest string value, after `${…}` substitution (characters). */
  maxStringChars: number;
  /** Longest HTTP header value (provider headers and api_key, route headers). */
  maxHeaderChars: number;
  /** Longest time reading, parsing and checking the file may take off the event loop. */
  timeoutMs: number;
  /** Heap the parsing worker may use, in MB; beyond it the worker is stopped. */
  maxMemoryMb: number;
}

export const DEFAULT_LIMITS: Readonly<ConfigLimits> = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxNodes: 200_000,
  maxAliases: 1_000,
  maxDepth: 64,
  maxStringChars: 65_536,
  maxHeaderChars: 8_192,
  timeoutMs: 10_000,
  maxMemoryMb: 256,
});

/** The environment variable that raises each limit (named in the messages). */
export const LIMIT_VARIABLES: Readonly<Record<keyof ConfigLimits, string>> = Object.freeze({
  maxBytes: 'GATEWAY_CONFIG_MAX_BYTES',
  maxNodes: 'GATEWAY_CONFIG_MAX_NODES',
  maxAliases: 'GATEWAY_CONFIG_MAX_ALIASES',
  maxDepth: 'GATEWAY_CONFIG_MAX_DEPTH',
  maxStringChars: 'GATEWAY_CONFIG_MAX_STRING',
  maxHeaderChars: 'GATEWAY_CONFIG_MAX_HEADER',
  timeoutMs: 'GATEWAY_CONFIG_TIMEOUT_MS',
  maxMemoryMb: 'GATEWAY_CONFIG_MAX_MEMORY_MB',
});

/**
 * Defaults, then the environment's overrides (a positive integer each; anything else is
 * ignored rather than weakening a bound), then the caller's.
 *
 * @example
 *   resolveLimits({ GATEWAY_CONFIG_MAX_BYTES: '8388608' }).maxBytes // 8388608
 */
export function resolveLimits(env: Env, overrides: Partial<ConfigLimits> = {}): ConfigLimits {
  const out: ConfigLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_VARIABLES) as Array<keyof ConfigLimits>) {
    const raw = env[LIMIT_VARIABLES[key]];
    if (raw !== undefined && /^\d+$/.test(raw.trim()) && Number(raw) > 0) out[key] = Number(raw);
  }
  return { ...out, ...overrides };
}

/** "is over the limit of N (raise it with VAR)" for a message. */
export function overLimit(key: keyof ConfigLimits, limits: ConfigLimits, unit = ''): string {
  return `the limit is ${limits[key].toLocaleString('en-US')}${unit} (${LIMIT_VARIABLES[key]} raises it)`;
}
