/**
 * Every benchmark file exports a function `npm run bench` (run.ts) calls, and still runs on
 * its own with `node --import tsx test/bench/<name>.ts`: it calls that function only when it
 * is the script node was started with, not when run.ts imports it.
 */
import { pathToFileURL } from 'node:url';

export function isMain(meta: ImportMeta): boolean {
  return process.argv[1] !== undefined && meta.url === pathToFileURL(process.argv[1]).href;
}
