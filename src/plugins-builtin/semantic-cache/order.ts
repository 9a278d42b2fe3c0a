/**
 * A cache above `auth` would answer callers before they are authenticated, from any
 * tenant's answers: refused at load, with the reason.
 */
import type { PipelineEntry } from '../../engine/config/types.ts';

export function checkPipelineOrder(pipeline: readonly PipelineEntry[] | undefined, pluginId: string): void {
  if (!pipeline) return;
  const self = pipeline.findIndex((e) => (e.id ?? e.use) === pluginId);
  const auth = pipeline.findIndex((e) => e.use === 'auth');
  if (self >= 0 && auth > self) {
    throw new Error(`semantic-cache ("${pluginId}") must come after auth in pipeline: above it, cached answers would be served to unauthenticated callers`);
  }
}
