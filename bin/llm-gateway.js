#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npm start` works straight after
// `npm ci` with no build step (transpiling happens once at load, not per request).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/engine/cli.ts');
process.exitCode = await main(process.argv.slice(2));
