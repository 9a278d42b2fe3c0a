#!/usr/bin/env -S node --max-semi-space-size=16
// 16 MB young-generation semi-spaces: enough
// that request garbage dies young, and the peak RSS of 2,000 open streams stays under
// 250 MB (64 MB semi-spaces peaked at 239–288 MB, 16 MB at 216–276 MB in the same
// runs). CPU per request measured the same with 16 and 64 (A/B, same run); on a slower VM
// of an earlier session 64 MB had cut the fixed-rate p99 (~19 ms to ~8.5 ms).
//
// One entry point for every way of running:
// - compiled by `npm run build`, this file is dist/bin/llm-gateway.js beside dist/src/:
//   the JavaScript CLI is imported directly (plain node, no loader, no dev dependency);
// - in a checkout (`npm start`, `npx llm-gateway`) it runs the TypeScript sources through
//   tsx, so `npm ci && npm start` needs no build step (transpiled once, at load), with the
//   export condition that points `llm-gateway/plugin` at the sources (source-condition.mjs);
// - in an installed package (`files`: bin/ and dist/, no sources) it runs dist/.
import { existsSync } from 'node:fs';

const besideMe = new URL('../src/engine/cli.js', import.meta.url);
const sources = new URL('../src/engine/cli.ts', import.meta.url);
let cli;
if (existsSync(besideMe)) {
  cli = await import(besideMe.href);
} else if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  (await import('node:module')).register('./source-condition.mjs', import.meta.url);
  cli = await import(sources.href);
} else {
  cli = await import(new URL('../dist/src/engine/cli.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
