/**
 * request-tagger through llm-gateway/testing: in a real gateway with a scripted upstream,
 * and one hook at a time.
 */
import assert from 'node:assert/strict';
import { definePlugin } from 'llm-gateway/plugin';
import { createInstance, fakeContext, runHook, startPluginHarness, type PluginHarness } from 'llm-gateway/testing';
import tagger from './index.ts';

/** A plugin below the tagger that writes one line to the request's log. */
const probe = definePlugin({
  name: 'probe',
  version: '1.0.0',
  engine: '^1.0.0',
  configSchema: { type: 'object' },
  create: () => ({
    onRequest(ctx) {
      ctx.log.info('probe saw the request');
    },
  }),
});

describe('plugins/request-tagger', () => {
  let h: PluginHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('tags every answer, JSON and streamed', async () => {
    h = await startPluginHarness({ plugin: tagger, config: { header: 'X-Team', value: 'search' }, upstream: [{ content: 'Hi' }, { content: 'Hi again' }] });
    const r = await h.chat();
    assert.equal(r.status, 200);
    assert.equal(r.body.choices?.[0]?.message.content, 'Hi');
    assert.equal(r.headers.get('x-team'), 'search');
    const s = await h.stream();
    assert.equal(s.content, 'Hi again');
    assert.equal(s.headers.get('x-team'), 'search');
  });

  it('with log: true, binds the tag to the request’s log lines', async () => {
    h = await startPluginHarness({ plugin: tagger, config: { header: 'x-team', value: 'search', log: true }, pipeline: [tagger, probe, 'provider'] });
    await h.chat();
    const line = h.logs.find((l) => l.msg === 'probe saw the request');
    assert.ok(line, 'the probe logged');
    assert.equal(line['x-team'], 'search');
    assert.equal(typeof line.request_id, 'string');
  });

  it('a bad config is refused at load, located in the file', async () => {
    await assert.rejects(
      startPluginHarness({ plugin: tagger, config: { header: 'bad header', value: 'x' } }),
      /pipeline\[0\]\.config\.header: must match pattern/,
    );
    await assert.rejects(createInstance(tagger, { header: 'x-team' }), /pipeline\[0\]\.config: must have required property 'value'/);
  });

  it('onResponse sets the header in lower case; log defaults to false', async () => {
    const t = await createInstance(tagger, { header: 'X-Team', value: 'search' });
    try {
      assert.equal(t.config.log, false);
      const ctx = fakeContext();
      await runHook(t, 'onRequest', ctx);
      await runHook(t, 'onResponse', ctx);
      assert.deepEqual(ctx.responseHeaders, { 'x-team': 'search' });
    } finally {
      await t.close();
    }
  });
});
