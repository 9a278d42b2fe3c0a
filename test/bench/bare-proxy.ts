/**
 * The benchmark's floor: the least a Node proxy can do — node:http in, one undici pool
 * out, the body read once, upstream bytes piped back as they arrive (streams too), no
 * parsing, no pipeline. Measured beside the gateway so "what the gateway adds" can be
 * split into what any Node proxy costs on this machine and what the gateway's own work
 * costs. Run: UPSTREAM=http://127.0.0.1:PORT node --import tsx test/bench/bare-proxy.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM!, { connections: 128, pipelining: 1 });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const r = await upstream.request({ path: req.url!, method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
      res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
      for await (const c of r.body) res.write(c);
      res.end();
    } catch {
      res.writeHead(502).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`bare proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => process.exit(0));
