import assert from 'node:assert/strict';
import { errors as undiciErrors } from 'undici';
import { retryAfterSeconds, upstreamHttpError, providerErrorDetail } from '../../../../src/plugins-builtin/provider/http/errors.ts';
import { transportError } from '../../../../src/plugins-builtin/provider/http/transport.ts';
import { secretScrubber } from '../../../../src/plugins-builtin/provider/http/redact.ts';
import { DEFAULT_TIMEOUTS } from '../../../../src/plugins-builtin/provider/http/types.ts';

describe('upstream error taxonomy (unit)', () => {
  it('retry-after: ms header, seconds, HTTP date, OpenAI reset durations', () => {
    assert.equal(retryAfterSeconds({ 'retry-after-ms': '250' }), 1);
    assert.equal(retryAfterSeconds({ 'retry-after': '12' }), 12);
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    const s = retryAfterSeconds({ 'retry-after': inTen })!;
    assert.ok(s >= 9 && s <= 11, String(s));
    assert.equal(retryAfterSeconds({ 'x-ratelimit-reset-requests': '6m0s' }), 360);
    assert.equal(retryAfterSeconds({ 'x-ratelimit-reset-tokens': '1.5s' }), 2);
    assert.equal(retryAfterSeconds({}), undefined);
  });

  it('reads the message of every provider error shape', () => {
    assert.deepEqual(providerErrorDetail('{"error":{"message":"m","code":"c"}}'), { message: 'm', code: 'c' });
    assert.deepEqual(providerErrorDetail('{"type":"error","error":{"type":"overloaded_error","message":"m"}}'), { message: 'm', code: 'overloaded_error' });
    assert.deepEqual(providerErrorDetail('[{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT"}}]'), { message: 'm', code: '400' });
    assert.deepEqual(providerErrorDetail('{"error":"m","error_type":"validation"}'), { message: 'm', code: 'validation' });
    assert.deepEqual(providerErrorDetail('{"message":"m"}'), { message: 'm', code: undefined });
    assert.deepEqual(providerErrorDetail('upstream connect error'), { message: 'upstream connect error' });
  });

  it('scrubs configured secrets, their prefixes and key-shaped tokens', () => {
    const scrub = secretScrubber(['my-very-long-provider-secret']);
    assert.equal(scrub('key my-very-long-provider-secret used'), 'key [redacted] used');
    assert.equal(scrub('prefix my-very-*** used'), 'prefix [redacted]*** used');
    assert.equal(
      scrub('Bearer abc.def and sk-proj-abcdef123 and AIzaSyA1234567890abc and hf_abcdefghijk'),
      '[redacted] and [redacted] and [redacted] and [redacted]',
    );
    const e = upstreamHttpError(400, {}, '{"error":{"message":"bad temperature for key sk-live-1234567890"}}', scrub);
    assert.equal(e.message, 'bad temperature for key [redacted]');
  });

  it('maps undici timeouts and socket errors', () => {
    const t = { ...DEFAULT_TIMEOUTS, connect_ms: 123 };
    const connect = transportError(new undiciErrors.ConnectTimeoutError(), undefined, t);
    assert.equal(connect.code, 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.match(connect.message, /connect timeout: 123 ms/);
    assert.match(transportError(new undiciErrors.HeadersTimeoutError(), undefined, t).message, /first_byte timeout/);
    assert.match(transportError(new undiciErrors.BodyTimeoutError(), undefined, t).message, /idle timeout/);
    assert.match(transportError(new Error('aborted'), 'total', t).message, /total timeout: 600000 ms/);
    assert.equal(transportError(new undiciErrors.SocketError('other side closed'), undefined, t).code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
    assert.equal(transportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), undefined, t, 200).upstreamStatus, 200);
    assert.equal(transportError(new Error('x'), 'client', t).code, 'GW_ERR_CLIENT_CLOSED');
  });
});
