/** The one reader of message text: any JSON in, a string (or undefined) out, never a throw. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contentText, isTextPart, messagesOf, roleOf, textOnly } from '../../src/engine/message-text.ts';

describe('message text', () => {
  it('reads strings and text parts, skips everything else', () => {
    assert.equal(contentText('hi'), 'hi');
    assert.equal(
      contentText([{ type: 'text', text: 'a' }, null, 7, 'b', { type: 'image_url' }, { type: 'text', text: 42 }, { type: 'text', text: 'c' }]),
      'ac',
    );
    assert.equal(
      contentText(
        [
          { type: 'text', text: 'a' },
          { type: 'text', text: '' },
          { type: 'text', text: 'b' },
        ],
        '\n',
      ),
      'a\nb',
    );
    assert.equal(contentText(null), '');
    assert.equal(contentText({ type: 'text', text: 'not an array' }), '');
    assert.equal(
      textOnly(
        [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        ' ',
      ),
      'a b',
    );
    assert.equal(textOnly([{ type: 'text', text: 'a' }, null]), undefined);
    assert.equal(
      textOnly([
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: {} },
      ]),
      undefined,
    );
    assert.equal(textOnly(42), undefined);
    assert.equal(isTextPart({ type: 'text', text: 'x' }), true);
    assert.equal(isTextPart({ type: 'text' }), false);
    assert.equal(roleOf({ role: 'user' }), 'user');
    assert.equal(roleOf({ role: 1 }), '');
    assert.equal(roleOf(null), '');
    assert.deepEqual(messagesOf({ messages: 'nope' }), []);
    assert.deepEqual(messagesOf(null), []);
  });

  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (v, sep) => {
        assert.equal(typeof contentText(v, sep), 'string');
        const t = textOnly(v, sep);
        assert.ok(t === undefined || typeof t === 'string');
        roleOf(v);
        messagesOf(v);
        messagesOf({ messages: v });
      }),
      { numRuns: 1000 },
    );
  });
});
