/**
 * An example third-party plugin: tags every answer with a fixed response header (e.g. the
 * team or environment a gateway serves), and optionally the request's log lines too.
 * It follows the same contract as the built-ins; see the README.
 *
 * @example
 *   - use: ./plugins/request-tagger
 *     config: { header: x-team, value: search }
 */
import type { PluginDefinition } from '../../src/engine/types.ts';
import schema from './schema.json' with { type: 'json' };

export interface TaggerConfig {
  header: string;
  value: string;
  log: boolean;
}

const requestTagger: PluginDefinition<TaggerConfig> = {
  name: 'request-tagger',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Adds a fixed response header to every answer.',
  configSchema: schema,
  create(config) {
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
};

export default requestTagger;
