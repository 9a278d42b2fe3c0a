/**
 * ajv errors → raw issues with readable paths and messages. Shared by the gateway schema
 * and every plugin's schema, so both read the same. No message quotes the instance data.
 */
import type { ErrorObject } from 'ajv';
import { fromJsonPointer, type PathSegment } from './paths.ts';
import type { RawIssue } from './issues.ts';

/**
 * @param base where the validated value sits in the document (e.g. `['pipeline', 3, 'config']`)
 * @param data the validated value, to tell array indexes from object keys
 * @example
 *   ajvIssues(validate.errors ?? [], ['pipeline', 0, 'config'], config)
 */
export function ajvIssues(errors: readonly ErrorObject[], base: readonly PathSegment[], data: unknown): RawIssue[] {
  const out: RawIssue[] = [];
  for (const e of errors) {
    // `if` repeats what its `then`/`else` already said; oneOf branches are reported by the discriminator.
    if (e.keyword === 'if') continue;
    const path = [...base, ...fromJsonPointer(e.instancePath, data)];
    out.push(describe(e, path));
  }
  return dedupe(out);
}

function describe(e: ErrorObject, path: PathSegment[]): RawIssue {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(p.additionalProperty)], message: `unknown property (allowed here: ${allowedKeys(e)})` };
    case 'enum':
      return { path, message: `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'discriminator':
      return p.error === 'mapping'
        ? { path: [...path, String(p.tag)], message: `must be one of: ${tagValues(e, String(p.tag)).join(', ')}` }
        : { path, message: `must have property '${String(p.tag)}' (a string)` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** The properties the failing schema declares, from ajv's `verbose` parentSchema. */
function allowedKeys(e: ErrorObject): string {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const keys = props ? Object.keys(props) : [];
  return keys.length ? keys.join(', ') : 'none';
}

function tagValues(e: ErrorObject, tag: string): string[] {
  const branches = (e.parentSchema as { oneOf?: Array<{ properties?: Record<string, { const?: unknown }> }> } | undefined)?.oneOf ?? [];
  return branches.map((b) => String(b.properties?.[tag]?.const));
}

function dedupe(issues: RawIssue[]): RawIssue[] {
  const seen = new Set<string>();
  return issues.filter(function firstOnly(i) {
    const key = JSON.stringify([i.path, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
