import { z } from 'zod';

/** Why `v` cannot be cluster.advertisedUrl (null when it can): an absolute http(s) URL of a host peers can reach, no path beyond '/'. */
export function advertisedUrlProblem(v: string): string | null {
  if (!URL.canParse(v)) return `'${v}' is not an absolute URL: give http(s)://host:port, the address other nodes reach this node at`;
  const u = new URL(v);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `'${v}' must be http:// or https://`;
  if (WILDCARD_HOSTS.has(u.hostname)) return `'${v}' is a wildcard address that no other node can connect to: give this host's reachable address`;
  if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return `'${v}' must be only scheme, host and port (no path, query or credentials)`;
  return null;
}

/** Bind-all addresses: valid to listen on, never to be connected to. */
export const WILDCARD_HOSTS = new Set(['0.0.0.0', '[::]', '::', '[::0]', '::0', '']);

/** The `cluster` section: cluster mode on PostgreSQL + NATS (issue #11). Strict: unknown keys are errors. */
export const clusterSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Cluster mode: cameras are assigned to recorder and analytics nodes by leases in the shared PostgreSQL (needs store.engine postgres)'),
    nodeId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, 1–63 characters').optional().describe('This node\'s id (default: <site.id>-<hostname>-<port>); must be unique in the cluster'),
    key: z.string().min(16, 'at least 16 characters').optional().describe('Shared cluster key; a node with another key is refused (set it through SMARTVIEW_CLUSTER__KEY, never in a committed file)'),
    advertisedUrl: z
      .string()
      .superRefine((v, ctx) => {
        const problem = advertisedUrlProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((v) => v.replace(/\/+$/, ''))
      .optional()
      .describe('The URL other nodes use to reach this node\'s api (node-to-node segments for playback, exports, snapshots), e.g. http://10.1.2.3:8080 or the address behind NAT; default: server.host and port, but never a wildcard address (0.0.0.0 / ::): then this host\'s first non-loopback address, with a warning'),
    heartbeatMs: z.number().int().min(200).max(60_000).default(1500).describe('How often a node renews its leases and heartbeat'),
    leaseTtlMs: z.number().int().min(1000).max(600_000).default(9000).describe('A lease not renewed for this long (database clock) may be taken by another node'),
    fenceMarginMs: z.number().int().min(100).max(300_000).default(3000).describe('A node that could not renew stops its cameras this long before its leases can expire (no split brain)'),
    maxClockSkewMs: z.number().int().min(10).default(2000).describe('Skew between this node\'s clock and the database\'s above which the node reports it (health, logs)'),
    capacity: z
      .strictObject({
        recorder: z.number().int().min(0).default(500).describe('Most cameras this node records'),
        analytics: z.number().int().min(0).default(32).describe('Most cameras this node analyses live'),
      })
      .prefault({})
      .describe('What this node can take; cameras are shared in proportion to capacity'),
  })
  .prefault({})
  .superRefine((c, ctx) => {
    if (c.fenceMarginMs >= c.leaseTtlMs) ctx.addIssue({ code: 'custom', path: ['fenceMarginMs'], message: 'must be smaller than leaseTtlMs' });
    if (c.heartbeatMs * 2 > c.leaseTtlMs - c.fenceMarginMs) ctx.addIssue({ code: 'custom', path: ['heartbeatMs'], message: 'at most half of (leaseTtlMs − fenceMarginMs), so one missed heartbeat does not lose the leases' });
  })
  .describe('Cluster mode');
