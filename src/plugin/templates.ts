/**
 * The files `llm-gateway plugin new <name>` writes: a small working plugin (a slot per
 * request, a response header, a metric through env.metrics), its schema, a test on
 * llm-gateway/testing that passes as generated, and a README. They import only the public
 * entries, so the folder works in this repository and in a project that installed the
 * package alike.
 */

/** What the templates are filled with. */
export interface TemplateVars {
  /** The plugin's name: lower-case words joined by hyphens. */
  name: string;
  /** The `engine` range it is written for, e.g. `^1.0.0`. */
  engine: string;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
const snake = (name: string) => name.replaceAll('-', '_');

export function indexTs({ name, engine }: TemplateVars): string {
  const type = `${pascal(name)}Config`;
  return `/**
 * ${name}: adds a response header with the time (ms) each request spent in the pipeline
 * below this plugin, and counts answers by status. A starting point made by
 * \`llm-gateway plugin new\`: replace the hooks with what your plugin does. Phases, the
 * context and the env are described in the llm-gateway package's docs/plugins.md.
 *
 * @example
 *   pipeline:
 *     - use: ./plugins/${name}
 *       config: { header: x-${name}-ms }
 *     - use: provider
 */
import { definePlugin, stateKey } from 'llm-gateway/plugin';
import schema from './schema.json' with { type: 'json' };

export interface ${type} {
  header: string;
}

export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  engine: '${engine}',
  description: 'Adds the time a request spent below this plugin as a response header.',
  configSchema: schema,
  // Runs once per config generation: build here what every request needs.
  create(config: ${type}, env) {
    const header = config.header.toLowerCase();
    // Metrics live as long as the process: asking again (a reload) returns the same one.
    const answers = env.metrics.counter({ name: '${snake(name)}_answers_total', help: 'Answers seen by ${name}, by status', labelNames: ['status'] as const });
    // This instance's own per-request slot.
    const STARTED = stateKey<number>('${name}.started');
    return {
      onRequest(ctx) {
        ctx.set(STARTED, performance.now());
      },
      onResponse(ctx) {
        const started = ctx.get(STARTED);
        if (started !== undefined) ctx.responseHeaders[header] = (performance.now() - started).toFixed(1);
        answers.inc({ status: String(ctx.response?.status ?? 0) });
      },
    };
  },
});
`;
}

export function schemaJson({ name }: TemplateVars): string {
  const schema = {
    type: 'object',
    description: `${name}: adds the time a request spent below this plugin as a response header.`,
    additionalProperties: false,
    properties: {
      header: {
        type: 'string',
        pattern: '^[A-Za-z0-9-]+$',
        default: `x-${name}-ms`,
        description: 'Response header carrying the milliseconds spent below this plugin.',
      },
    },
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

export function testTs({ name }: TemplateVars): string {
  return `import assert from 'node:assert/strict';
import { createInstance, fakeContext, runHook, startPluginHarness } from 'llm-gateway/testing';
import plugin from './index.ts';

describe('${name}', function () {
  // A real gateway starts in the first test: more than mocha's default 2 s on a busy machine.
  this.timeout(20_000);

  it('adds its header to answers and counts them, in a real gateway', async () => {
    const h = await startPluginHarness({ plugin, config: {}, upstream: [{ content: 'Hello!' }] });
    try {
      const r = await h.chat();
      assert.equal(r.status, 200);
      assert.equal(r.body.choices?.[0]?.message.content, 'Hello!');
      assert.match(r.headers.get('x-${name}-ms') ?? '', /^\\d+\\.\\d$/);
      assert.equal(await h.metric('${snake(name)}_answers_total', { status: '200' }), 1);
    } finally {
      await h.close();
    }
  });

  it('refuses a bad header name when the config loads', async () => {
    await assert.rejects(createInstance(plugin, { header: 'not a header' }), /config\\.header: must match pattern/);
  });

  it('onResponse writes the configured header', async () => {
    const t = await createInstance(plugin, { header: 'X-Took' });
    try {
      const ctx = fakeContext();
      await runHook(t, 'onRequest', ctx);
      await runHook(t, 'onResponse', ctx);
      assert.ok(Number(ctx.responseHeaders['x-took']) >= 0);
    } finally {
      await t.close();
    }
  });
});
`;
}

export function readmeMd({ name, engine }: TemplateVars): string {
  return `# ${name}

Adds a response header with the time (ms) each request spent in the pipeline below this
plugin, and counts answers by status in \`${snake(name)}_answers_total{status}\`. Made by
\`llm-gateway plugin new ${name}\` as a starting point: change the hooks in \`index.ts\`, the
config in \`schema.json\`, and this README to match.

\`\`\`yaml
pipeline:
  - use: ./plugins/${name}
    config: { header: x-${name}-ms }
  - use: provider
\`\`\`

| option | type | default | meaning |
|---|---|---|---|
| \`header\` | string | \`x-${name}-ms\` | response header carrying the milliseconds spent below this plugin |

Written for the plugin API \`${engine}\` (\`engine\` in \`index.ts\`); it imports only
\`llm-gateway/plugin\`, and its test only \`llm-gateway/testing\`.

## Test

\`\`\`sh
npx mocha --import=tsx plugins/${name}/index.test.ts
\`\`\`

(In the llm-gateway repository itself: \`npx mocha plugins/${name}/index.test.ts\`.) The test
runs the plugin in a real gateway in front of a scripted upstream, and calls one hook with
a fake context. See docs/plugins.md in the llm-gateway package for phases, the context,
state, metrics, errors and publishing the plugin as a package.
`;
}
