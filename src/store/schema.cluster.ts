/** Cluster mode tables (src/cluster, migration 0014). Part of the store's table types (schema.ts). */
export interface ClusterMetaTable {
  key: string;
  value: string;
}

export interface ClusterNodeTable {
  node_id: string;
  roles: string;
  capacity: string;
  version: string;
  host: string;
  api_url: string | null;
  started_at: number;
  heartbeat_at: number;
  clock_skew_ms: number;
  load: string;
  status: string;
}

export interface CameraLeaseTable {
  camera_id: string;
  role: string;
  node_id: string;
  epoch: number;
  acquired_at: number;
  expires_at: number;
}

export interface CameraLeaseLogTable {
  camera_id: string;
  role: string;
  epoch: number;
  node_id: string;
  acquired_at: number;
  released_at: number | null;
  release_reason: string | null;
}
