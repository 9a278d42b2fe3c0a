/**
 * Structured logs (pino). Secrets are redacted by path as a second line of defence: code
 * must not put secrets in log objects in the first place.
 */
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  '*.api_key',
  'api_key',
  '*.apiKey',
  'apiKey',
  '*.secret',
  'secret',
  'key_secret',
  '*.authorization',
];

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    { level, base: { service: 'llm-gateway' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    opts.destination as pino.DestinationStream | undefined,
  );
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
