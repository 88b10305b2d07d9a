/** Governance tables: privacy masks and releases (0011), break-glass and the camera register (0010), TOTP and SSO state (0012). Part of the store's table types (schema.ts). */
/** Privacy masks per camera (src/privacy): polygons normalised 0..1 as JSON. */
export interface PrivacyMaskTable {
  camera_id: string;
  polygons: string;
  version: number;
  updated_by: string;
  updated_at: number;
}

/** Masked / redacted copies of an export's original (src/privacy), each a signed derived bundle. */
export interface PrivacyReleaseTable {
  id: string;
  export_id: string;
  camera_id: string;
  kind: string; // masked | redacted
  case_ref: string;
  request_ref: string | null;
  status: string; // running | pending_review | approved | rejected | ready | failed
  error: string | null;
  keep_tracks: string; // JSON array
  tracks: string; // JSON array
  path: string;
  original_manifest_sha256: string;
  manifest_sha256: string | null;
  created_by: string;
  created_at: number;
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_note: string | null;
}

/** Break-glass uses and their review (0010, src/access). */
export interface BreakGlassTable {
  id: string;
  user_id: string;
  username: string;
  reason: string;
  started_at: number;
  expires_at: number;
  review_status: string; // pending | approved | flagged
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_note: string | null;
}

/** Camera register for the Privacy Impact Assessment (0010, src/governance). */
export interface CameraRegisterTable {
  camera_id: string;
  purpose: string;
  legal_basis: string;
  signage: number;
  residential_facing: number;
  notes: string;
  updated_by: string;
  updated_at: number;
}

/** TOTP second factor (0012): the secret sealed with the SecretBox key (outside the database). */
export interface UserTotpTable {
  user_id: string;
  secret_sealed: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

export interface UserRecoveryCodeTable {
  code_hash: string;
  user_id: string;
  created_at: number;
  used_at: number | null;
}

/** Pending OIDC sign-ins (0012). */
export interface SsoStateTable {
  id: string;
  nonce: string;
  verifier_sealed: string;
  return_to: string | null;
  created_at: number;
  expires_at: number;
}
