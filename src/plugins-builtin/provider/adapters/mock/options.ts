/**
 * The mock provider's options (`providers.<name>.options` with `type: mock`): its reply,
 * its pace (latency, chunking) and the faults it injects, so an outage can be rehearsed
 * offline. Validated against MOCK_OPTIONS_SCHEMA when the config loads.
 */

export interface MockFaults {
  /** Share of requests (0–1) answered with `error_status` instead of an answer. */
  error_rate?: number;
  error_status?: number;
  /** Seconds sent as Retry-After with a 429 (or 503) fault. */
  retry_after_s?: number;
  /** Share of streams (0–1) cut after `cut_after_chunks` content chunks. */
  cut_stream_rate?: number;
  cut_after_chunks?: number;
  /** Makes the sequence of faulty requests reproducible. */
  seed?: number;
}

export interface MockOptions {
  latency_ms?: number;
  chunk_delay_ms?: number;
  chunk_words?: number;
  reply?: string;
  embedding_dimensions?: number;
  faults?: MockFaults;
}

const rate = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, default: 0, description });

export const MOCK_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latency_ms: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Delay before the answer (the first stream chunk). Beyond the timeouts first_byte_ms it fails as a first-byte timeout.',
    },
    chunk_delay_ms: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Delay between stream chunks. Beyond the timeouts idle_ms it fails as an idle timeout.',
    },
    chunk_words: { type: 'integer', minimum: 1, default: 1, description: 'Words per streamed content chunk.' },
    reply: { type: 'string', description: 'Fixed reply text instead of "Mock reply to: <last user message>".' },
    embedding_dimensions: { type: 'integer', minimum: 1, maximum: 65536, default: 8, description: 'Size of embeddings when the request sets no dimensions.' },
    faults: {
      type: 'object',
      additionalProperties: false,
      description: 'Injected failures, as a real provider would fail: through the same error taxonomy, retries, breakers and fallbacks.',
      properties: {
        error_rate: rate('Share of requests answered with error_status.'),
        error_status: {
          type: 'integer',
          minimum: 400,
          maximum: 599,
          default: 503,
          description: 'HTTP status of an injected error (429 → rate_limited with Retry-After, 5xx → unavailable, 408 → timeout…).',
        },
        retry_after_s: { type: 'integer', minimum: 0, default: 1, description: 'Retry-After (seconds) sent with a 429 or 503 fault.' },
        cut_stream_rate: rate('Share of streams cut mid-answer (the client gets an error event, never [DONE]).'),
        cut_after_chunks: { type: 'integer', minimum: 0, default: 2, description: 'Content chunks sent before a cut.' },
        seed: { type: 'integer', description: 'Seed of the fault sequence: the same seed fails the same requests, in order. Unset: random.' },
      },
    },
  },
} as const;
