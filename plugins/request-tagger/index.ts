/**
 * An example third-party plugin: tags every answer with a fixed response header (e.g. the
 * team or environment a gateway serves), and optionally the request's log lines too.
 * It imports only the public plugin API (`llm-gateway/plugin`), as a plugin published on
 * npm does; see the README.
 *
 * @example
 *   - use: ./plugins/request-tagger
 *     config: { header: x-team, value: search }
 */
import { definePlugin } from 'llm-gateway/plugin';
import schema from './schema.json' with { type: 'json' };

export interface TaggerConfig {
  header: string;
  value: string;
  log: boolean;
}

export default definePlugin({
  name: 'request-tagger',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Adds a fixed response header to every answer.',
  configSchema: schema,
  create(config: TaggerConfig) {
    const header = config.header.toLowerCase();
    return {
      onRequest(ctx) {
        if (config.log) ctx.log = ctx.log.child({ [header]: config.value });
      },
      onResponse(ctx) {
        ctx.responseHeaders[header] = config.value;
      },
    };
  },
});
