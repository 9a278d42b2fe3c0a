import assert from 'node:assert/strict';
import { encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { encodeChat as encodeChatCl } from 'gpt-tokenizer/encoding/cl100k_base';
import { countPromptTokens, countPromptTokensSync, INLINE_MAX_CHARS } from '../../../src/engine/tokens/count.ts';
import { familyOf } from '../../../src/engine/tokens/encoding.ts';
import { countChat } from '../../../src/engine/tokens/exact.ts';
import { createWorkerPool } from '../../../src/engine/workers/pool.ts';
import type { ChatMessage } from '../../../src/engine/openai-types.ts';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Count these tokens, please: naïve café 東京 42.' },
];

describe('tokens/count', () => {
  it('maps models to tokenizer families', () => {
    assert.deepEqual(['gpt-4o-mini', 'openai/gpt-4.1', 'o3-mini', 'gpt-4-turbo', 'gpt-3.5-turbo', 'claude-3-5-sonnet', 'llama3'].map(familyOf), [
      'o200k_base',
      'o200k_base',
      'o200k_base',
      'cl100k_base',
      'cl100k_base',
      'estimate',
      'estimate',
    ]);
  });

  it('is exact for OpenAI models (chat framing included)', () => {
    const plain = messages.map((m) => ({ role: m.role as 'system' | 'user', content: m.content as string }));
    assert.equal(countPromptTokensSync({ messages }, 'gpt-4o'), encodeChat(plain, 'gpt-4o').length);
    assert.equal(countPromptTokensSync({ messages }, 'gpt-4'), encodeChatCl(plain, 'gpt-4').length);
  });

  it("countChat equals gpt-tokenizer's own encodeChat on many chats (names, roles, empty, unicode, long)", () => {
    const pieces = [
      '',
      'hi',
      ' ',
      'Hello, world!',
      'naïve café 東京',
      '  spaced  out  ',
      'line\nbreak\r\n',
      '🙂🙃 emoji',
      'x'.repeat(300),
      'def f(x):\n    return x * 2',
      '<|im_start|'.slice(0, 9),
      '1234567890',
      'mixed 42 Ünïcödé ∑',
    ];
    const roles = ['system', 'user', 'assistant', 'tool', 'developer'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let c = 0; c < 300; c++) {
      const chat = Array.from({ length: rnd(6) }, () => {
        const m: { role: string; content: string; name?: string } = {
          role: roles[rnd(roles.length)]!,
          content: pieces[rnd(pieces.length)]! + pieces[rnd(pieces.length)]!,
        };
        if (rnd(4) === 0) m.name = ['alice', 'bob_2', 'Søren', 'tool-runner'][rnd(4)];
        return m;
      });
      assert.equal(countChat(chat, 'o200k_base'), encodeChat(chat as never, 'gpt-4o').length, JSON.stringify(chat));
      assert.equal(countChat(chat, 'cl100k_base'), encodeChatCl(chat as never, 'gpt-4').length, JSON.stringify(chat));
    }
  });

  it('estimates others as ceil(chars / 4) plus 3 per message', () => {
    const chars = messages.reduce((n, m) => n + (m.content as string).length + m.role.length, 0);
    assert.equal(countPromptTokensSync({ messages }, 'claude-3-haiku'), Math.ceil(chars / 4) + 6);
  });

  it('counts long prompts in the worker pool with the same result', async () => {
    const pool = createWorkerPool({ maxThreads: 1 });
    let used = 0;
    const spy = {
      run: <T>(task: string, p: unknown) => {
        used++;
        return pool.run<T>(task, p);
      },
      close: () => pool.close(),
    };
    try {
      const long: ChatMessage[] = [{ role: 'user', content: 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(INLINE_MAX_CHARS / 40)) }];
      const viaPool = await countPromptTokens({ messages: long }, 'gpt-4o', spy);
      assert.equal(used, 1);
      assert.equal(viaPool, countPromptTokensSync({ messages: long }, 'gpt-4o'));
      await countPromptTokens({ messages }, 'gpt-4o', spy);
      assert.equal(used, 1, 'short prompts stay inline');
    } finally {
      await pool.close();
    }
  });
});
