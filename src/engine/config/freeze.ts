/**
 * Deep freeze, as Fastify does with its validated options: a plugin or request handler
 * that tries to change the running config fails loudly (in strict mode) instead of
 * silently changing it for every later request.
 */

/**
 * Freeze `value` and everything reachable from it; returns the same object.
 *
 * @example
 *   const cfg = deepFreeze({ server: { port: 8080 } });
 *   cfg.server.port = 1; // TypeError in strict mode (ES modules are strict)
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}
