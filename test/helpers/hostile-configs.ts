/**
 * Config files a gateway must refuse without stalling: a YAML alias bomb (9 levels of 9
 * aliases, under 1 KB, 387 million nodes once expanded) and a 50 MB file (a long models
 * list). Written once per folder; shared by the integration test and the reload bench.
 */
import { writeFile } from 'node:fs/promises';
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
  const item = '  - { name: m, provider: local, model: m }\n';
  const huge = path.join(dir, 'huge.yaml');
  await writeFile(huge, mockConfig().replace('models:\n', `models:\n${item.repeat(Math.ceil(50e6 / item.length))}`));
  return { bomb, huge };
}
