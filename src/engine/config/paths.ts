/**
 * Paths into the config tree. Internally a path is an array of segments (keys and
 * indexes); people read it as `pipeline[3].config.rpm` or `providers["my-llm"].api_key`.
 */

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Render a path the way it is printed in errors.
 *
 * @example
 *   formatPath(['pipeline', 3, 'config', 'rpm']) // 'pipeline[3].config.rpm'
 *   formatPath(['providers', 'my-llm'])          // 'providers["my-llm"]'
 */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Parse the printed form back into segments (what `extraChecks` hands us).
 * Accepts `a.b[0]["x-y"]`, and a leading `/` as a JSON pointer.
 *
 * @example
 *   parsePath('providers["my-llm"].type') // ['providers', 'my-llm', 'type']
 */
export function parsePath(text: string): PathSegment[] {
  if (text.startsWith('/')) return fromJsonPointer(text);
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

/**
 * ajv's `instancePath` (a JSON pointer) → segments. Array indexes become numbers so the
 * printed path reads `models[0]`, not `models.0`; `data` tells which is which.
 *
 * @example
 *   fromJsonPointer('/models/0/provider', { models: [{}] }) // ['models', 0, 'provider']
 */
export function fromJsonPointer(pointer: string, data?: unknown): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const isIndex = /^\d+$/.test(key) && (data === undefined || Array.isArray(node));
    const seg: PathSegment = isIndex ? Number(key) : key;
    out.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<PathSegment, unknown>)[seg] : undefined;
  }
  return out;
}
