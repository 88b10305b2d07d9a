/** Calls of the cluster page (through the app's one fetch client). */
import { request } from '../../api/client';

export interface ClusterNode {
  nodeId: string;
  roles: string[];
  capacity: { recorder: number; analytics: number };
  load: Record<string, number>;
  version: string;
  host: string;
  apiUrl: string | null;
  status: 'up' | 'left' | 'lost';
  startedAt: number;
  heartbeatAt: number;
  heartbeatAgeMs: number;
  clockSkewMs: number;
  clockSkewOk: boolean;
}

export interface ClusterLease {
  cameraId: string;
  role: 'recorder' | 'analytics';
  nodeId: string;
  epoch: number;
  acquiredAt: number;
  expiresAt: number;
}

export const clusterApi = {
  nodes: (signal?: AbortSignal) => request<{ now: number; nodes: ClusterNode[] }>('/api/cluster/nodes', { signal }),
  leases: (nodeId: string, signal?: AbortSignal) => request<{ now: number; leases: ClusterLease[] }>('/api/cluster/leases', { signal, query: { nodeId } }),
};
