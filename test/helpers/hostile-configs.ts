/**
 * Config files a gateway must refuse without stalling: a YAML alias bomb (9 levels of 9
 * aliases, under 1 KB, 387 million nodes once expanded) and a 50 MB file (a long models
 * list). Written once per folder; shared by the integration test and the reload bench.
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mockConfig } from './gateway.ts';

export async function hostileConfigs(dir: string): Promise<{ bomb: string; huge: string }> {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const bomb = path.join(dir, 'bomb.yaml');
  await writeFile(bomb, `${mockConfig()}x-bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  // Written a megabyte at a time: a 50 MB string would leave the test's heap with garbage
  // whose collection could land in the middle of the latency being measured.
  const [head, tail] = mockConfig().split('models:\n') as [string, string];
  const item = '  - { name: m, provider: local, model: m }\n';
  const chunk = Buffer.from(item.repeat(Math.ceil(1e6 / item.length)));
  const huge = path.join(dir, 'huge.yaml');
  const fh = await open(huge, 'w');
  try {
    await fh.write(`${head}models:\n`);
    for (let written = 0; written < 50e6; written += chunk.length) await fh.write(chunk);
    await fh.write(tail);
  } finally {
    await fh.close();
  }
  return { bomb, huge };
}
