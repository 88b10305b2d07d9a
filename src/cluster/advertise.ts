import { networkInterfaces } from 'node:os';
import { WILDCARD_HOSTS } from '../config/cluster.schema';
import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * The first address of this host another machine can connect to: a non-internal IPv4 address, else a
 * non-internal, non-link-local IPv6 one; null when the host has only loopback.
 */
export function reachableHostAddress(ifaces: Interfaces = networkInterfaces()): string | null {
  const all = Object.values(ifaces).flatMap((list) => list ?? []);
  const v4 = all.find((a) => a.family === 'IPv4' && !a.internal);
  if (v4) return v4.address;
  const v6 = all.find((a) => a.family === 'IPv6' && !a.internal && !a.address.toLowerCase().startsWith('fe80:'));
  return v6 ? `[${v6.address}]` : null;
}

/**
 * The URL other cluster nodes reach this node's api at (cluster_nodes.api_url; docs/design/cluster.md):
 * `cluster.advertisedUrl` when set (behind NAT, a load balancer, a container's published port); else
 * server.host and the port the api listens on — but never a wildcard address (0.0.0.0, ::), which peers
 * cannot connect to: then this host's first non-loopback address, with a warning naming the key to set.
 */
export function advertisedApiUrl(config: Pick<Config, 'cluster' | 'server'>, listeningPort: number, log: Logger, ifaces?: Interfaces): string {
  if (config.cluster.advertisedUrl) return config.cluster.advertisedUrl;
  const scheme = config.server.tls ? 'https' : 'http';
  const bind = config.server.host;
  let host: string;
  if (WILDCARD_HOSTS.has(bind) || WILDCARD_HOSTS.has(`[${bind}]`)) {
    host = reachableHostAddress(ifaces) ?? '127.0.0.1';
    if (config.cluster.enabled) {
      log.warn({ bind, advertised: `${scheme}://${host}:${listeningPort}` }, `server.host is the wildcard address ${bind}, which other nodes cannot connect to: advertising this host's address instead; set cluster.advertisedUrl to the URL other nodes reach this node at`);
    }
  } else {
    host = bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind;
  }
  return `${scheme}://${host}:${listeningPort}`;
}
