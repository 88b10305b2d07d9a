import { z } from 'zod';
import { ROLES } from '../auth/permissions';

const siteId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a site id: lower-case letters, digits and dashes');

/**
 * The `federation` section (strict): peer SmartView sites this site trusts (pinned Ed25519 public keys),
 * the cameras this site SHARES with each peer under a policy it enforces itself, and the timeouts and
 * back-off of site-to-site calls. See docs/design/federation.md.
 */
export const federationSchema = z
  .strictObject({
    peers: z
      .array(
        z.strictObject({
          siteId: siteId.describe('The peer\'s site.id (its requests carry it; its cameras appear as <siteId>:<cameraId>)'),
          name: z.string().min(1).max(200).optional().describe('Human name of the peer site'),
          url: z.string().url().describe('Base URL of the peer\'s API, e.g. https://tunnels.example:8443'),
          publicKeyPem: z.string().includes('BEGIN PUBLIC KEY').describe('The peer\'s pinned Ed25519 site public key (SPKI PEM, from its GET /api/site/keys); requests signed by any other key are refused'),
        }),
      )
      .default([])
      .describe('Peer sites: trusted by site id + URL + pinned public key'),
    shares: z
      .array(
        z.strictObject({
          peer: siteId.describe('The peer site the cameras are shared with'),
          cameras: z.array(z.string().min(1).max(64)).min(1).describe('Ids of this site\'s cameras shared with the peer'),
          live: z.boolean().default(false).describe('The peer\'s users may watch these cameras live'),
          playbackHours: z.number().int().min(0).max(24 * 3650).default(0).describe('How far back recorded video may be played (0 = no playback)'),
          retentionDays: z.number().int().min(0).max(3650).default(0).describe('Most days the peer may keep copies (exports) of this footage (0 = none); stated to the peer with the inventory'),
          analytics: z.boolean().default(false).describe('The peer may search these cameras\' analytics results (plate sightings)'),
          roles: z.array(z.enum(ROLES)).min(1).default(['operator', 'investigator', 'supervisor']).describe('Roles of the peer\'s users that may see these cameras (from the signed request)'),
        }),
      )
      .default([])
      .describe('What this site shares with whom; enforced by this site on every peer request'),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(3000).describe('Per-peer timeout of inventory and other site-to-site calls'),
    searchTimeoutMs: z.number().int().min(100).max(120_000).default(2000).describe('Per-peer timeout of a federated search; slower peers are reported as timeout (partial results)'),
    clockWindowMs: z.number().int().min(1000).max(600_000).default(30_000).describe('A signed request whose time differs from this site\'s clock by more is refused (nonces are remembered this long)'),
    inventoryRefreshMs: z.number().int().min(1000).default(60_000).describe('How often each peer\'s shared-camera inventory is refreshed'),
    retryInitialMs: z.number().int().min(100).default(1000).describe('First back-off after a failed inventory refresh (doubles per failure)'),
    retryMaxMs: z.number().int().min(100).default(60_000).describe('Longest back-off between inventory refreshes of a peer that is down'),
  })
  .prefault({})
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.peers.forEach((p, i) => {
      if (ids.has(p.siteId)) ctx.addIssue({ code: 'custom', path: ['peers', i, 'siteId'], message: `peer '${p.siteId}' is listed twice` });
      ids.add(p.siteId);
    });
    f.shares.forEach((s, i) => {
      if (!ids.has(s.peer)) ctx.addIssue({ code: 'custom', path: ['shares', i, 'peer'], message: `'${s.peer}' is not in federation.peers: pin the peer first` });
    });
  })
  .describe('Federation with peer SmartView sites (#10)');

export type FederationConfig = z.infer<typeof federationSchema>;
