/**
 * What each cell of the client matrix (library × feature × upstream) must do: run and
 * match the upstream's answer, or — where a library or upstream truly cannot — the one
 * documented exception, with its reason. Nothing is skipped silently: every exception
 * is a row of the printed summary's notes.
 */
import type { Driver } from './driver.ts';
import type { Column } from './upstreams.ts';

export const FEATURES = ['chat', 'stream', 'tools', 'structured', 'embeddings', 'usage'] as const;
export type Feature = (typeof FEATURES)[number];

export type Cell =
  | { kind: 'run' }
  /** Not applicable: nothing is called. */
  | { kind: 'skip'; reason: string }
  /** Runs, with one documented difference the cell allows (and checks the rest). */
  | { kind: 'deviation'; reason: string };

const STREAM_INPUT_AT_START =
  "ChatAnthropic reads a stream's input tokens from message_start only; OpenAI- and Cohere-style upstreams report usage at the end, so message_start carries the gateway's own count of the prompt (exact for OpenAI tokenizers, chars/4 otherwise) while the plain answer carries the upstream's figure. Output tokens agree.";

export function cellOf(driver: Driver, feature: Feature, column: Column): Cell {
  if (feature === 'embeddings') {
    if (driver.noEmbeddings) return { kind: 'skip', reason: driver.noEmbeddings };
    if (!column.embedModel) return { kind: 'skip', reason: 'Anthropic has no embeddings API (the anthropic adapter serves chat only)' };
  }
  if (feature === 'usage' && driver.streamInputFromStart && !column.reportsInputFirst) return { kind: 'deviation', reason: STREAM_INPUT_AT_START };
  return { kind: 'run' };
}
