import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { trustEntryProblem, trustedProxies } from '../../../src/engine/server/trusted-proxies.ts';

const req = (peer: string, headers: IncomingHttpHeaders = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

const forwarded = (entries: string[] | undefined, r: IncomingMessage): IncomingHttpHeaders => {
  const out: IncomingHttpHeaders = { ...r.headers };
  trustedProxies(entries).applyForwarded(r, out);
  return out;
};

describe('trusted proxies (server.trust_proxy)', () => {
  it('trusts nobody by default: the peer is the client whatever the headers say', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip'), fc.string()),
        (h) => {
          const r = req('203.0.113.5', { ...h, host: 'gw.example:8080' });
          assert.equal(trustedProxies([]).clientIp(r), '203.0.113.5');
          const out = forwarded([], r);
          assert.equal(out['x-forwarded-for'], '203.0.113.5');
          assert.equal(out['x-forwarded-proto'], 'http');
          assert.equal(out['x-forwarded-host'], 'gw.example:8080');
          assert.equal(out['x-forwarded-port'], '8080');
          assert.equal(out.forwarded, undefined);
          assert.equal(out['x-real-ip'], undefined);
        },
      ),
    );
  });

  it('reads X-Forwarded-For from the right while the address in hand is trusted', () => {
    const t = trustedProxies(['10.0.0.0/8', 'loopback']);
    assert.equal(t.clientIp(req('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.1.2.3' })), '198.51.100.4');
    assert.equal(t.clientIp(req('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.4' })), '198.51.100.4', 'IPv4-mapped peer');
    assert.equal(t.clientIp(req('::1', { 'x-forwarded-for': '[2001:db8::7]:443' })), '2001:db8::7', 'bracketed IPv6 with a port');
    assert.equal(t.clientIp(req('10.0.0.1', { 'x-forwarded-for': '198.51.100.4:5555' })), '198.51.100.4', 'IPv4 with a port');
    assert.equal(t.clientIp(req('10.0.0.1', { 'x-forwarded-for': '10.0.0.9' })), '10.0.0.9', 'every hop trusted: the leftmost');
    assert.equal(t.clientIp(req('10.0.0.1', { 'x-forwarded-for': 'unknown, 10.0.0.9' })), '10.0.0.9', 'not an address: the hop that wrote it');
    assert.equal(t.clientIp(req('10.0.0.1')), '10.0.0.1', 'no header: the peer');
    assert.equal(t.clientIp(req('198.51.100.9', { 'x-forwarded-for': '10.0.0.9' })), '198.51.100.9', 'an untrusted peer is believed in nothing');
  });

  it("keeps the trusted proxy's protocol, host and port, when they are well-formed", () => {
    const r = req('10.0.0.1', {
      host: 'gw:8080',
      'x-forwarded-for': '198.51.100.4',
      'x-forwarded-proto': 'HTTPS, http',
      'x-forwarded-host': 'public.example',
      'x-forwarded-port': '443',
    });
    const out = forwarded(['10.0.0.0/8'], r);
    assert.equal(out['x-forwarded-for'], '198.51.100.4, 10.0.0.1');
    assert.equal(out['x-forwarded-proto'], 'https');
    assert.equal(out['x-forwarded-host'], 'public.example');
    assert.equal(out['x-forwarded-port'], '443');
    const odd = forwarded(['10.0.0.0/8'], req('10.0.0.1', { host: 'gw', 'x-forwarded-proto': 'javascript', 'x-forwarded-port': '80; x' }));
    assert.equal(odd['x-forwarded-proto'], 'http');
    assert.equal(odd['x-forwarded-port'], '80');
  });

  it('accepts addresses, CIDRs and the named ranges; says what is wrong with anything else', () => {
    for (const ok of ['10.0.0.0/8', '192.168.1.10', '::1', 'fe80::/10', '2001:db8::/32', 'loopback', 'linklocal', 'uniquelocal'])
      assert.equal(trustEntryProblem(ok), undefined, ok);
    for (const bad of ['10.0.0.0/33', '::/129', '1.2.3.4/', '1.2.3.4/8/1', 'localhost', '10.0.0', '*', 'Loopback']) assert.ok(trustEntryProblem(bad), bad);
  });
});
