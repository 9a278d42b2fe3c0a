/** Cohere's v2 API: where it is and how it authenticates. */
export const COHERE_BASE_URL = 'https://api.cohere.com';
export const CHAT_PATH = '/v2/chat';
export const EMBED_PATH = '/v2/embed';
export const cohereAuth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
