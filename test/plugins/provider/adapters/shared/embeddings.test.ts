import assert from 'node:assert/strict';
import { embeddingsBody, embeddingTexts, float32Base64, requestedDimensions } from '../../../../../src/plugins-builtin/provider/adapters/shared/embeddings.ts';

const req = (over: Record<string, unknown> = {}) => ({ model: 'm', input: ['a', 'b'], ...over }) as any;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e: any) {
    return `${e.code}:${e.param}`;
  }
  return 'none';
};

describe('shared embeddings encoding', () => {
  it("base64 is OpenAI's: little-endian float32 bytes, as the openai SDK decodes them", () => {
    const v = [1.5, -0.25, 3.4028234663852886e38, 1e-45, 0];
    const b = Buffer.from(float32Base64(v), 'base64');
    assert.equal(b.length, 20);
    assert.deepEqual(
      Array.from({ length: 5 }, (_, i) => b.readFloatLE(i * 4)),
      Array.from(new Float32Array(v)),
    );
    // The SDK's own decoder: Float32Array over the bytes (little-endian on every platform Node runs on here).
    assert.deepEqual(Array.from(new Float32Array(b.buffer, b.byteOffset, 5)), Array.from(new Float32Array(v)));
  });

  it('float by default, base64 on request; model and usage filled in', () => {
    assert.deepEqual(embeddingsBody(req(), [[1], [2]], 3), {
      object: 'list',
      model: 'm',
      data: [
        { object: 'embedding', index: 0, embedding: [1] },
        { object: 'embedding', index: 1, embedding: [2] },
      ],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    assert.equal(typeof embeddingsBody(req({ encoding_format: 'base64' }), [[1], [2]], 3).data[0]!.embedding, 'string');
  });

  it('refuses what the client got wrong with a 400 naming the field', () => {
    for (const input of [[[1, 2]], [1.5], null, [{ text: 'x' }], [['a']]]) {
      assert.equal(
        code(() => embeddingTexts(req({ input }))),
        'GW_ERR_INVALID_REQUEST:input',
        JSON.stringify(input),
      );
    }
    assert.equal(
      code(() => embeddingTexts(req({ input: [] }))),
      'GW_ERR_INVALID_REQUEST:input',
    );
    assert.equal(
      code(() => embeddingTexts(req({ input: [[1, 2]] }))),
      'GW_ERR_INVALID_REQUEST:input',
    );
    assert.equal(
      code(() => requestedDimensions(req({ dimensions: 1.5 }))),
      'GW_ERR_INVALID_REQUEST:dimensions',
    );
    assert.equal(
      code(() => embeddingsBody(req({ encoding_format: 'hex' }), [[1], [2]], 0)),
      'GW_ERR_INVALID_REQUEST:encoding_format',
    );
    assert.equal(
      code(() => embeddingsBody(req({ dimensions: 2 }), [[1], [2]], 0)),
      'GW_ERR_INVALID_REQUEST:dimensions',
    );
  });

  it('and what the upstream got wrong with a 502', () => {
    assert.equal(
      code(() => embeddingsBody(req(), [[1]], 0)),
      'GW_ERR_BAD_UPSTREAM_RESPONSE:null',
    );
    assert.equal(
      code(() => embeddingsBody(req(), [[1], ['x' as any]], 0)),
      'GW_ERR_BAD_UPSTREAM_RESPONSE:null',
    );
  });
});
