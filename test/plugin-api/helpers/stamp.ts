/**
 * The plugin package the package tests install: "stamp" tags answers, counts requests in a
 * metric of its own and denies with a GatewayError on request — everything it uses comes
 * from `llm-gateway/plugin` by package name.
 */
import type { PluginPackage } from './project.ts';

/** The stamp plugin as a package: TypeScript or JavaScript, importing the API by its package name. */
export function stampPackage(name: string, engine: string, ext: 'ts' | 'js'): PluginPackage {
  const typed = ext === 'ts' ? ': { value: string }' : '';
  return {
    name,
    manifest: {
      version: '1.2.3',
      type: 'module',
      exports: { '.': { import: `./dist/index.${ext}` } },
      peerDependencies: { 'llm-gateway': '>=0.1.0' },
    },
    files: {
      [`dist/index.${ext}`]: `import { definePlugin, gatewayError } from 'llm-gateway/plugin';
export default definePlugin({
  name: '${name}', version: '1.2.3', engine: '${engine}',
  configSchema: { type: 'object', additionalProperties: false, properties: { value: { type: 'string', default: 'stamped' } } },
  create(config${typed}, env) {
    const seen = env.metrics.counter({ name: 'stamp_requests_total', help: 'Requests the stamp plugin saw', labelNames: ['denied'] });
    return {
      onRequest(ctx) {
        const deny = ctx.header('x-deny') !== undefined;
        seen.inc({ denied: String(deny) });
        if (deny) throw gatewayError('GW_ERR_RATE_LIMITED', { message: 'the stamp plugin says slow down', retryAfter: 7 });
      },
      onResponse(ctx) {
        ctx.responseHeaders['x-stamp'] = config.value;
      },
    };
  },
});
`,
    },
  };
}

/** gateway.yaml naming the package. */
export const packageConfig = (use: string) => `version: 1
server: { port: 0, host: 127.0.0.1 }
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: "${use}"
    config: { value: from-a-package }
  - use: provider
`;
