import assert from 'node:assert/strict';
import { parseSse } from '../../../../src/plugins-builtin/provider/http/sse.ts';

async function* chunks(parts: Array<string | Buffer>) {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}
const all = async (parts: Array<string | Buffer>) => {
  const out = [];
  for await (const e of parseSse(chunks(parts))) out.push(e);
  return out;
};

describe('SSE parser', () => {
  it('joins multi-line data, keeps event names, ignores comments, id and retry', async () => {
    assert.deepEqual(await all([': ping\n\nevent: a\nid: 7\nretry: 10\ndata: x\ndata: y\n\ndata:z\n\n']), [{ event: 'a', data: 'x\ny' }, { data: 'z' }]);
  });
  it('handles CRLF, CR and a CRLF split across chunks', async () => {
    assert.deepEqual(await all(['data: 1\r\n\r\ndata: 2\r', '\n\r', '\ndata: 3\r\r']), [{ data: '1' }, { data: '2' }, { data: '3' }]);
  });
  it('decodes a UTF-8 character split across chunks', async () => {
    const b = Buffer.from('data: héllo €\n\n');
    assert.deepEqual(await all([b.subarray(0, 8), b.subarray(8, 15), b.subarray(15)]), [{ data: 'héllo €' }]);
  });
  it('an event split byte by byte arrives once, whole', async () => {
    const text = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    assert.deepEqual(await all(text.split('')), [{ event: 'message_stop', data: '{"type":"message_stop"}' }]);
  });
  it('a final event without its blank line is dispatched only when complete, else a cut', async () => {
    await assert.rejects(all(['data: 1\n\ndata: {"a":']), (e: any) => e.code === 'GW_ERR_BAD_UPSTREAM_RESPONSE');
    await assert.rejects(all(['data: 1\n\ndata: 2\n']), (e: any) => e.code === 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });
  it('is pull-based: reads no chunk before the consumer asks', async () => {
    let pulled = 0;
    async function* src() {
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield Buffer.from(`data: ${i}\n\n`);
      }
    }
    const it = parseSse(src());
    await it.next();
    assert.equal(pulled, 1);
    await it.next();
    assert.equal(pulled, 2);
    await it.return(undefined);
    assert.equal(pulled, 2);
  });
});
