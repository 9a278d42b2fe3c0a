/**
 * Follows a Sentinel failover as it happens, from the Sentinels' own event channels, so a
 * client neither writes to a master that is being replaced nor waits to be told it was.
 *
 * Why: Redis replicates asynchronously. Once a Sentinel promotes the replica, whatever the
 * old master still accepts is dropped when it is turned into a replica — and a live old
 * master keeps accepting writes until the Sentinels publish the switch (about a second in
 * a forced failover; until they demote it, later still). For rate-limit counters those
 * lost writes are requests admitted but forgotten: the limit would be exceeded by them.
 *
 *   +failover-state-send-slaveof-noone  (about to promote)  → hold writes: disconnect, so
 *                                         commands fail at once (callers fail open/closed)
 *   +switch-master                       (new master known) → reconnect: the client asks
 *                                         the Sentinels, until one names the new master
 *   -failover-abort-*, or HOLD_MAX_MS    (no switch)        → reconnect to whichever is master
 *
 * A connection that only listens (pub/sub) loses nothing by staying: it just reconnects on
 * the switch. ioredis's `failoverDetector` reconnects on +switch-master only, and its
 * Sentinel connections lack an error listener (a Sentinel down prints to stderr).
 */
import { isIP, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { RedisSentinelConfig } from '../config/types.ts';

/** Longest a failover may hold writes before the client reconnects anyway. */
const HOLD_MAX_MS = 10_000;
/** Pause before asking the Sentinels again when one sent us to the old master. */
const RETRY_MS = 100;

/**
 * Watch the Sentinels (`sentinels`, parsed from `s.nodes`) for `client`, which connects
 * through them. `holdWrites`: disconnect from the old master before the promotion (the
 * command connection). Returns the function that stops watching.
 */
export function followFailovers(
  s: RedisSentinelConfig,
  sentinels: ReadonlyArray<{ host: string; port: number }>,
  client: Redis,
  holdWrites: boolean,
): () => void {
  let holding: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastSwitch = '';
  /** The master the last switch announced, until the client is connected to it. */
  let expected: { ip: string; port: number; until: number } | undefined;

  function reconnect(): void {
    if (stopped) return;
    if (client.status === 'end') client.connect().catch(() => undefined);
    else if (client.status === 'ready') client.disconnect(true);
  }

  function resume(): void {
    clearTimeout(holding);
    holding = undefined;
    reconnect();
  }

  function hold(): void {
    if (holding || stopped) return;
    holding = setTimeout(resume, HOLD_MAX_MS);
    holding.unref();
    client.disconnect(false);
  }

  // A Sentinel that has not heard of the switch yet still names the old master, which
  // accepts writes until it is demoted: leave it and ask again. (Only when Sentinels
  // announce addresses, their default; announced host names are taken on trust.)
  function onReady(): void {
    if (!expected) return;
    const socket = client.stream as Socket | undefined;
    const there = socket?.remoteAddress === expected.ip && socket.remotePort === expected.port;
    if (there || !isIP(expected.ip) || Date.now() > expected.until) {
      expected = undefined;
      return;
    }
    client.disconnect(false);
    setTimeout(reconnect, RETRY_MS).unref();
  }
  client.on('ready', onReady);

  function onEvent(channel: string, message: string): void {
    const words = message.split(' ');
    if (channel === '+switch-master') {
      // "<name> <old-ip> <old-port> <new-ip> <new-port>", from every Sentinel: act once.
      if (words[0] !== s.name || message === lastSwitch) return;
      lastSwitch = message;
      expected = { ip: words[3]!, port: Number(words[4]), until: Date.now() + HOLD_MAX_MS };
      resume();
    } else if (channel === '+failover-state-send-slaveof-noone') {
      // "slave <ip:port> <ip> <port> @ <name> <master-ip> <master-port>"
      if (holdWrites && words[words.indexOf('@') + 1] === s.name) hold();
    } else if (words[1] === s.name && holding) {
      // -failover-abort-*: "master <name> <ip> <port>"
      resume();
    }
  }

  const watchers = sentinels.map((node) => {
    const w = new Redis({
      ...node,
      username: s.sentinel_username,
      password: s.sentinel_password,
      tls: s.tls ? {} : undefined,
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 500, 5000),
    });
    w.on('error', () => undefined); // one Sentinel down is normal: the others still watch
    w.subscribe('+switch-master', '+failover-state-send-slaveof-noone').catch(() => undefined);
    w.psubscribe('-failover-abort-*').catch(() => undefined);
    w.on('message', onEvent);
    w.on('pmessage', (_pattern: string, channel: string, message: string) => onEvent(channel, message));
    return w;
  });

  return function stopFollowing() {
    stopped = true;
    clearTimeout(holding);
    client.off('ready', onReady);
    for (const w of watchers) w.disconnect();
  };
}
