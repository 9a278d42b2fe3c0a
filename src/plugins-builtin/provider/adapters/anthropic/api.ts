/** Anthropic's Messages API: where it is and how it authenticates. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
export const MESSAGES_PATH = '/v1/messages';

/** `x-api-key` and `anthropic-version` (options.version), plus `anthropic-beta` when set. */
export function anthropicAuth(options: { version?: string; beta?: string }) {
  return (key: string): Record<string, string> => ({
    'x-api-key': key,
    'anthropic-version': options.version ?? ANTHROPIC_VERSION,
    ...(options.beta ? { 'anthropic-beta': options.beta } : {}),
  });
}
