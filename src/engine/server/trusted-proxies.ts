/**
 * Who the client is, and the `X-Forwarded-*` headers a proxied app gets, under one rule:
 * `server.trust_proxy`, a list of the load balancers (addresses, CIDRs, or express's
 * names `loopback`, `linklocal`, `uniquelocal`) whose forwarding headers are believed.
 *
 * As express's `trust proxy` with a list (proxy-addr): X-Forwarded-For is read from the
 * right, starting at the socket's peer; while the address in hand is a trusted proxy the
 * next one to its left is taken. The first untrusted address is the client. A list rather
 * than Envoy's `xff_num_trusted_hops` count: a count believes whoever connects, so a
 * client that reaches the gateway directly (around the load balancer) spoofs its address
 * with it; a list believes only the machines named.
 *
 * Default (empty list): nothing a client sends is believed. The app gets
 * `X-Forwarded-For: <socket peer>`, the gateway's own protocol, the Host header it got,
 * and any `Forwarded` / `X-Real-IP` a client sent is dropped: the app cannot be fooled by
 * a client, whatever header it reads. Behind a trusted proxy the chain from the client on
 * is kept and the peer appended; the entries left of the client (which the client wrote
 * itself) are dropped; X-Forwarded-Proto/-Host/-Port are the trusted proxy's (first value).
 */
import { BlockList, isIP } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** express's names (proxy-addr), the same ranges. */
const NAMED: Record<string, ReadonlyArray<readonly [string, number]>> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
};

export interface TrustedProxies {
  /** The client's address (the socket peer when it is not a trusted proxy). */
  clientIp(req: IncomingMessage): string;
  /** The `x-forwarded-*` headers (and the dropped spoofable ones) for the app; mutates `out`. */
  applyForwarded(req: IncomingMessage, out: IncomingHttpHeaders): void;
}

/** Why a `trust_proxy` entry is not usable, or undefined. */
export function trustEntryProblem(entry: string): string | undefined {
  if (Object.hasOwn(NAMED, entry)) return undefined;
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr ?? '');
  if (!family || extra !== undefined) return `is not an IP address, a CIDR (10.0.0.0/8) or one of ${Object.keys(NAMED).join(', ')}`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `has a prefix length that is not 0–${max}`;
  return undefined;
}

export function trustedProxies(entries: readonly string[] | undefined): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries ?? []) {
    const named = NAMED[entry];
    if (named) for (const [a, bits] of named) list.addSubnet(a, bits, isIP(a) === 4 ? 'ipv4' : 'ipv6');
    else {
      // Validation refused anything else; an entry that slipped through trusts nothing.
      if (trustEntryProblem(entry)) continue;
      const [addr, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(addr, type);
      else list.addSubnet(addr, Number(bits), type);
    }
  }
  const none = !entries?.length;
  const trusts = (ip: string): boolean => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };

  /** The client, and the X-Forwarded-For entries from the client on (empty: the peer is the client). */
  function resolve(req: IncomingMessage): { client: string; peer: string; peerTrusted: boolean; kept: string[] } {
    const peer = req.socket.remoteAddress ?? '';
    if (none || !trusts(peer)) return { client: peer, peer, peerTrusted: false, kept: [] };
    const hops = listOf(req.headers['x-forwarded-for']).map(bareAddress);
    let client = peer;
    let i = hops.length - 1;
    for (; i >= 0 && trusts(client); i--) {
      const next = hops[i]!;
      // A trusted proxy that wrote something other than an address: the client is that proxy.
      if (!isIP(next)) break;
      client = next;
    }
    return { client, peer, peerTrusted: true, kept: hops.slice(i + 1) };
  }

  return {
    clientIp: (req) => resolve(req).client,
    applyForwarded(req, out) {
      const { peer, peerTrusted, kept } = resolve(req);
      out['x-forwarded-for'] = [...kept, peer].join(', ');
      const ownProto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const proto = peerTrusted ? first(req.headers['x-forwarded-proto'])?.toLowerCase() : undefined;
      out['x-forwarded-proto'] = proto === 'http' || proto === 'https' ? proto : ownProto;
      const host = (peerTrusted ? first(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host;
      if (host) out['x-forwarded-host'] = host;
      else delete out['x-forwarded-host'];
      const port = peerTrusted ? first(req.headers['x-forwarded-port']) : undefined;
      out['x-forwarded-port'] = port && /^\d{1,5}$/.test(port) ? port : portOf(req.headers.host, out['x-forwarded-proto']);
      if (!peerTrusted) {
        delete out.forwarded;
        delete out['x-real-ip'];
      }
    },
  };
}

function listOf(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  const joined = Array.isArray(v) ? v.join(',') : v;
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function first(v: string | string[] | undefined): string | undefined {
  return listOf(v)[0];
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[::1]:80` → `::1`; anything else as it is. */
function bareAddress(s: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) return bracketed[1]!;
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(s);
  return v4port ? v4port[1]! : s;
}

/** The port of a Host header, else the protocol's default (as http-proxy's xfwd did). */
function portOf(host: string | undefined, proto: string): string {
  const m = host ? /:(\d{1,5})$/.exec(host) : null;
  if (m) return m[1]!;
  return proto === 'https' ? '443' : '80';
}
