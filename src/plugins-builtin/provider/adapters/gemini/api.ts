/** Google's Gemini API (generativelanguage.googleapis.com): endpoints and auth. */
export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';
export const geminiAuth = (key: string): Record<string, string> => ({ 'x-goog-api-key': key });

/** `models/<id>` unless the id already names a resource (`tunedModels/…`). */
const resource = (model: string): string => (model.includes('/') ? model : `models/${model}`);

export function geminiPaths(apiVersion: string) {
  return {
    generate: (model: string) => `/${apiVersion}/${resource(model)}:generateContent`,
    stream: (model: string) => `/${apiVersion}/${resource(model)}:streamGenerateContent?alt=sse`,
    embed: (model: string) => `/${apiVersion}/${resource(model)}:embedContent`,
    batchEmbed: (model: string) => `/${apiVersion}/${resource(model)}:batchEmbedContents`,
    resource,
  };
}
