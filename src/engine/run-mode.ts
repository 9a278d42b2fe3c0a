/**
 * Whether this process runs the TypeScript sources (through tsx, `npm start` in a
 * checkout) or the compiled build (`npm run build`, plain node in the image). Worker
 * threads must be started the same way: from sources a worker needs tsx's loader and the
 * `.ts` entry; from the build it is the `.js` entry, and no loader may be named (tsx is a
 * dev dependency the production image does not have).
 */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * A module beside `base` (an `import.meta.url`) in the form this process runs.
 *
 * @example
 *   new Worker(siblingModule(import.meta.url, 'worker'))  // worker.ts from sources, worker.js from dist
 */
export function siblingModule(base: string, stem: string): URL {
  return new URL(`./${stem}${FROM_SOURCES ? '.ts' : '.js'}`, base);
}
