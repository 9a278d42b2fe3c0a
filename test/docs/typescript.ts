/**
 * Runs a README TypeScript snippet as a reader would: saved to a file of its own and run
 * with tsx, against a running gateway (`localhost:8080` becomes its address). The file
 * goes under node_modules/.cache so that its imports (`openai`, `ai`…) resolve to this
 * repository's packages. A `// → text` comment after a statement is the line it prints
 * (`…` for anything); the printed lines must be exactly those, in order.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../integration/clients/shipped-gateway.ts';

const CACHE = path.join(ROOT, 'node_modules/.cache/llm-gateway-docs');

/** The lines a snippet says it prints. */
export function printedLines(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trim());
}

export interface TsRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runTypeScript(code: string, name: string, gateway: string): Promise<TsRun> {
  await mkdir(CACHE, { recursive: true });
  const file = path.join(CACHE, `${name}.mts`);
  await writeFile(file, code.replaceAll('http://localhost:8080', gateway));
  // The reader has no gateway key set: the snippets fall back to a placeholder.
  const env = { ...process.env };
  delete env.GATEWAY_KEY;
  try {
    return await new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  } finally {
    await rm(file, { force: true });
  }
}
