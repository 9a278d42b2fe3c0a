/**
 * JSON Merge Patch (RFC 7386), the semantics of every admin PATCH: the patch names only
 * what changes. Objects merge member by member, recursively; a `null` member deletes it;
 * anything else (arrays included) replaces the target's value whole. So
 * `{"limits":{"rpm":100}}` changes a key's rpm and keeps its tpm and concurrency, and
 * `{"budget":null}` removes the budget.
 *
 * @example
 *   mergePatch({ limits: { rpm: 5, tpm: 100 } }, { limits: { rpm: 100 } }); // { limits: { rpm: 100, tpm: 100 } }
 *   mergePatch({ limits: { rpm: 5, tpm: 100 } }, { limits: { tpm: null } }); // { limits: { rpm: 5 } }
 */

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The target with the patch applied; neither argument is changed. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    // defineProperty, not `out[k] =`: a "__proto__" member stays a plain member (and is
    // then refused by the schema) instead of replacing the object's prototype.
    else Object.defineProperty(out, k, { value: mergePatch(out[k], v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
