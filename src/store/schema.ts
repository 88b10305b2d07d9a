/**
 * Table types of the metadata store, shared by both engines (SQLite and PostgreSQL).
 * Portable column conventions: times are integer UTC ms (BIGINT in PostgreSQL, parsed to number),
 * booleans are 0/1 integers, lists and objects are JSON text. Migrations live in ./migrations.
 */
import type { Generated } from 'kysely';
import type { CrowdSettingsTable, CrowdSampleTable, CrowdSeriesTable, CrowdEventTable } from './schema.crowd';
import type { ClusterMetaTable, ClusterNodeTable, CameraLeaseTable, CameraLeaseLogTable } from './schema.cluster';
import type { PrivacyMaskTable, PrivacyReleaseTable, BreakGlassTable, CameraRegisterTable, UserTotpTable, UserRecoveryCodeTable, SsoStateTable } from './schema.governance';
export type * from './schema.crowd';
export type * from './schema.cluster';
export type * from './schema.governance';

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
  auth_source: Generated<string>; // local | oidc | ldap (0012)
  external_id: string | null; // issuer#sub (oidc) or DN (ldap)
  failed_logins: Generated<number>;
  locked_until: number | null;
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
  last_seen_at: number | null; // idle expiry (0012)
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
  permissions: string | null; // JSON Permission[]; null = all of the owner's (0012)
  organisations: string | null; // JSON string[]; null = no further limit
  districts: string | null;
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

export interface AnalysisJobTable {
  id: string;
  camera_id: string | null; // a camera's recordings, or null for an uploaded file
  file_path: string | null; // the uploaded file on this node
  file_name: string | null; // its name as uploaded
  from_ms: number | null;
  to_ms: number | null;
  state: string; // queued | running | done | failed | cancelled
  progress: number; // 0..1
  frames: number;
  events: number;
  tracks: number;
  media_ms: number; // footage analysed so far
  options: string; // JSON: fps, classes
  node: string; // the node that runs it (restart recovery)
  error: string | null;
  created_by: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface AnalyticsEventTable {
  id: string;
  camera_id: string;
  owner: string; // copied from the camera when stored (scope filter without a join)
  district: string;
  kind: string; // track | rule
  type: string; // appeared | zone_enter | line_cross | loitering | …
  label: string;
  track_id: number | null;
  rule_id: string | null;
  rule_name: string | null;
  severity: string; // info | low | medium | high | critical
  started_at: number;
  ended_at: number | null;
  score: number | null;
  box: string | null; // JSON [x,y,w,h]
  detail: string; // JSON object
  snapshot: string | null; // JPEG path relative to <dataDir>/snapshots
  job_id: string | null; // recorded-footage analysis job
  created_at: number;
}

export interface AlertTable {
  id: string;
  event_id: string;
  camera_id: string;
  owner: string;
  district: string;
  severity: string;
  state: string; // open | acknowledged | closed
  title: string;
  created_at: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  closed_by: string | null;
  closed_at: number | null;
  updated_at: number;
}

export interface AlertNoteTable {
  id: string;
  alert_id: string;
  author: string;
  text: string;
  created_at: number;
}

export interface CameraAnalyticsTable {
  camera_id: string;
  enabled: number; // copy of settings.enabled (the analytics role lists the cameras to run)
  settings: string; // JSON, src/rules/model.ts analyticsSettingsSchema
  updated_at: number;
}

export interface AnalyticsRuleTable {
  id: string;
  camera_id: string;
  definition: string; // JSON, src/rules/model.ts ruleDefinitionSchema without `enabled`
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface PlateSightingTable {
  id: string;
  plate: string; // normalised (upper case, no separators)
  plate_key: string; // confusable-folded (src/plates/grammar plateKey)
  grammar: string;
  camera_id: string;
  owner: string; // copied from the camera (scope without a join)
  district: string;
  lat: number; // copied from the camera (area search, the vehicle's path on the map)
  lon: number;
  seen_at: number;
  confidence: number;
  vehicle_class: string | null;
  vehicle_colour: string | null;
  direction: string | null;
  plate_crop: string | null; // path under <dataDir>/plates
  vehicle_crop: string | null;
  track_id: number | null;
  job_id: string | null;
}

export interface PlateKeyVariantTable {
  variant: string; // a plate key or one of its one-character deletions
  plate_key: string;
}

export interface HotlistTable {
  id: string;
  name: string;
  owner: string; // organisation
  description: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface HotlistEntryTable {
  id: string;
  hotlist_id: string;
  plate: string;
  plate_key: string;
  reason: string;
  priority: string; // a severity: low | medium | high | critical
  fuzzy: number; // 0/1: also match at edit distance 1 (over confusable-folded keys)
  valid_from: number | null;
  valid_to: number | null;
  case_ref: string | null;
  added_by: string;
  created_at: number;
  updated_at: number;
}

/** An investigation case (src/cases): forensic search and journeys run only inside one. */
export interface CaseTable {
  ref: string;
  purpose: string;
  authorised_users: string; // JSON array of user ids
  expires_at: number;
  status: string; // open | closed
  created_by: string;
  created_by_name: string;
  created_at: number;
  closed_at: number | null;
  closed_by: string | null;
  close_reason: string | null;
}

/** A journey step an investigator confirmed or rejected in a case. */
export interface CaseJourneyStepTable {
  id: string;
  case_ref: string;
  from_track_id: string;
  to_track_id: string;
  decision: string; // confirmed | rejected
  similarity: number | null;
  plausibility: number | null;
  reachable: number; // 0/1
  decided_by: string;
  decided_at: number;
}

/** One finished track in the forensic index (src/search). */
export interface SearchTrackTable {
  id: string;
  camera_id: string;
  owner: string;
  district: string;
  lat: number;
  lon: number;
  started_at: number;
  ended_at: number;
  class: string;
  upper_colour: string | null;
  lower_colour: string | null;
  carried: number; // bit set of src/search/attributes.ts CARRIED_ITEMS
  height_class: string | null;
  vehicle_colour: string | null;
  plate: string | null;
  direction: string | null;
  speed: number | null;
  score: number;
  crop_path: string | null;
  embedding: Uint8Array | null; // little-endian Float32
  embedding_model: string | null;
  job_id: string | null;
  track_no: number;
}

/** A span of time the live analytics of a camera analysed (and indexed): src/search/coverage.ts. */
export interface SearchCoverageTable {
  id: string;
  camera_id: string;
  node: string;
  from_ms: number;
  to_ms: number;
}

export interface Database {
  privacy_masks: PrivacyMaskTable;
  privacy_releases: PrivacyReleaseTable;
  crowd_settings: CrowdSettingsTable;
  crowd_samples: CrowdSampleTable;
  crowd_series: CrowdSeriesTable;
  crowd_events: CrowdEventTable;
  cluster_meta: ClusterMetaTable;
  cluster_nodes: ClusterNodeTable;
  camera_leases: CameraLeaseTable;
  camera_lease_log: CameraLeaseLogTable;
  break_glass: BreakGlassTable;
  camera_register: CameraRegisterTable;
  cases: CaseTable;
  case_journey_steps: CaseJourneyStepTable;
  search_tracks: SearchTrackTable;
  search_coverage: SearchCoverageTable;
  organisations: OrganisationTable;
  cameras: CameraTable;
  camera_credentials: CameraCredentialTable;
  users: UserTable;
  grants: GrantTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  user_totp: UserTotpTable;
  user_recovery_codes: UserRecoveryCodeTable;
  sso_states: SsoStateTable;
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
  analytics_events: AnalyticsEventTable;
  alerts: AlertTable;
  alert_notes: AlertNoteTable;
  analysis_jobs: AnalysisJobTable;
  camera_analytics: CameraAnalyticsTable;
  analytics_rules: AnalyticsRuleTable;
  plate_sightings: PlateSightingTable;
  plate_key_variants: PlateKeyVariantTable;
  hotlists: HotlistTable;
  hotlist_entries: HotlistEntryTable;
}
