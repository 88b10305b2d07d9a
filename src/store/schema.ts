/**
 * Table types of the metadata store, shared by both engines (SQLite and PostgreSQL).
 * Portable column conventions: times are integer UTC ms (BIGINT in PostgreSQL, parsed to number),
 * booleans are 0/1 integers, lists and objects are JSON text. Migrations live in ./migrations.
 */
import type { Generated } from 'kysely';

export interface OrganisationTable {
  id: string;
  name: string;
  kind: string; // police | department | public_body | private_partner
  live_allowed: number;
  playback_allowed: number;
  retention_days_cap: number | null;
  created_at: number;
  updated_at: number;
}

export interface CameraTable {
  id: string;
  name: string;
  lat: number;
  lon: number;
  district: string;
  address: string;
  owner: string;
  source_url: string; // credentials removed; they live in camera_credentials
  sub_url: string | null;
  transport: string; // tcp | udp | auto
  bearing_deg: number | null;
  fov_deg: number | null;
  tags: string; // JSON array
  live_allowed: number;
  playback_allowed: number;
  retention_days: number | null;
  status: string;
  status_changed_at: number | null;
  search_text: string; // lower-cased id, name, address, district, tags
  created_at: number;
  updated_at: number;
}

export interface CameraCredentialTable {
  camera_id: string;
  username: string;
  secret: string; // encrypted (see src/keys/secret-box.ts)
  updated_at: number;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  password_expires_at: number | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface GrantTable {
  id: Generated<number>;
  user_id: string;
  role: string;
  organisations: string | null; // JSON array; null = every organisation
  districts: string | null; // JSON array; null = every district
  created_at: number;
  expires_at: number | null;
}

export interface SessionTable {
  id: string; // sha256 of the session token
  user_id: string;
  created_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: string; // public part of the token
  user_id: string;
  name: string;
  token_hash: string; // sha256 of the secret part
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditRecordTable {
  seq: Generated<number>;
  chain: string; // <node>:<partition>, e.g. site-1:2026-11
  chain_seq: number; // 1, 2, 3 … within the chain
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  camera_ids: string; // JSON array
  purpose: string | null;
  case_ref: string | null;
  ip: string | null;
  outcome: string; // ok | denied | failed
  details: string; // JSON object
  prev_hash: string;
  hash: string;
}

export interface AuditChainTable {
  chain: string;
  node: string;
  partition: string;
  last_seq: number;
  last_hash: string;
  record_count: number;
  opened_at: number;
  closed_at: number | null;
}

export interface AuditCheckpointTable {
  chain: string;
  node: string;
  partition: string;
  record_count: number;
  first_at: number | null;
  last_at: number | null;
  last_hash: string;
  prev_checkpoint_hash: string;
  checkpoint_hash: string;
  key_id: string;
  signature: string;
  created_at: number;
  archived_at: number | null;
}

export interface OutboxTable {
  seq: Generated<number>;
  event_id: string;
  name: string;
  data: string; // JSON
  at: number;
  published_at: number | null;
}

export interface SegmentTable {
  id: Generated<number>;
  camera_id: string;
  node: string; // recorder node that holds the file
  storage: string; // storage root id (config recording.storages[].id)
  path: string; // relative to the storage root
  start_ms: number;
  end_ms: number;
  bytes: number;
  codec: string;
  width: number | null;
  height: number | null;
  keyframes: string; // JSON array of keyframe offsets in ms from start_ms
  sha256: string;
  status: string; // ok | truncated | corrupt
  created_at: number;
}

export interface RecordingGapTable {
  id: Generated<number>;
  camera_id: string;
  start_ms: number;
  end_ms: number | null; // null while the gap lasts
  reason: string;
}

export interface LegalHoldTable {
  id: Generated<number>;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  case_ref: string;
  reason: string;
  created_by: string;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
}

export interface RetentionDeletionTable {
  id: Generated<number>;
  camera_id: string;
  storage: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
  sha256: string;
  rule: string; // age | owner_cap | quota | emergency | corrupt
  at: number;
}

export interface CameraHealthTable {
  camera_id: string;
  state: string; // unknown | starting | online | offline | failed
  fps: number | null;
  bitrate_bps: number | null;
  reconnects: number;
  last_segment_at: number | null;
  storage_bytes: number;
  tamper: string; // JSON object of tamper flags
  probe: string | null; // JSON of the last ffprobe result
  last_error: string | null;
  updated_at: number;
}

export interface EvidenceExportTable {
  id: string;
  case_ref: string;
  purpose: string;
  created_by: string;
  created_at: number;
  camera_ids: string; // JSON array
  start_ms: number;
  end_ms: number;
  path: string;
  manifest_sha256: string | null;
  status: string; // running | done | failed
  error: string | null;
}

export interface Database {
  organisations: OrganisationTable;
  cameras: CameraTable;
  camera_credentials: CameraCredentialTable;
  users: UserTable;
  grants: GrantTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_records: AuditRecordTable;
  audit_chains: AuditChainTable;
  audit_checkpoints: AuditCheckpointTable;
  outbox: OutboxTable;
  segments: SegmentTable;
  recording_gaps: RecordingGapTable;
  legal_holds: LegalHoldTable;
  retention_deletions: RetentionDeletionTable;
  camera_health: CameraHealthTable;
  evidence_exports: EvidenceExportTable;
}
