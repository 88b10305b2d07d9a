import { z } from 'zod';
import type { ClusterService } from '../../cluster/cluster.service';
import { authErrors, errorBodySchema, type ZApp } from '../types';

const role = z.enum(['recorder', 'analytics']);

const nodeSchema = z.object({
  nodeId: z.string(),
  roles: z.array(z.string()),
  capacity: z.object({ recorder: z.number(), analytics: z.number() }).describe('Most cameras the node takes per role'),
  load: z.record(z.string(), z.number()).describe('Cameras the node holds per role (at its last heartbeat)'),
  version: z.string(),
  host: z.string(),
  apiUrl: z.string().nullable(),
  status: z.enum(['up', 'left', 'lost']).describe('lost: no heartbeat for longer than a lease (its cameras move to the others)'),
  startedAt: z.number(),
  heartbeatAt: z.number().describe('Last heartbeat, database clock (UTC ms)'),
  heartbeatAgeMs: z.number(),
  clockSkewMs: z.number().describe('The node\'s clock minus the database\'s'),
  clockSkewOk: z.boolean().describe('false: above cluster.maxClockSkewMs (fix NTP on that host)'),
});

const leaseSchema = z.object({ cameraId: z.string(), role, nodeId: z.string(), epoch: z.number().describe('Fencing token: grows at every change of holder'), acquiredAt: z.number(), expiresAt: z.number() });

export function registerClusterRoutes(app: ZApp, deps: { cluster: ClusterService }): void {
  app.get('/api/cluster/nodes', {
    config: { permission: 'metrics.read' },
    schema: {
      tags: ['cluster'],
      summary: 'Nodes of the cluster: roles, capacity, load (cameras held per role), heartbeat age, clock skew, version',
      response: { 200: z.object({ now: z.number(), nodes: z.array(nodeSchema) }), ...authErrors },
    },
  }, async () => deps.cluster.nodes());

  app.get('/api/cluster/leases', {
    config: { permission: 'metrics.read' },
    schema: {
      tags: ['cluster'],
      summary: 'Live camera leases (which node records / analyses which camera), optionally of one node or role',
      querystring: z.strictObject({ nodeId: z.string().max(63).optional(), role: role.optional() }),
      response: { 200: z.object({ now: z.number(), leases: z.array(leaseSchema) }), 400: errorBodySchema, ...authErrors },
    },
  }, async (req) => deps.cluster.leases(req.query));
}
