/** Redis that can be taken away and brought back, for the plugins' outage tests. */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay to Redis that can be cut (Redis "goes down") and brought back on the same
 * port, or frozen (connections stay open, commands get no answer until it thaws).
 */
export async function relay(port = 0): Promise<{ url: string; port: number; cut(): Promise<void>; freeze(): void; thaw(): void }> {
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const held: Array<() => void> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(6379, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => {
      if (frozen) held.push(() => upstream.write(d));
      else upstream.write(d);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const p = (server.address() as AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    cut: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const f of held.splice(0)) f();
    },
  };
}
