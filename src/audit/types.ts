/** Public types of the audit trail. */
import type { EpochMs } from '../core/time';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One thing to audit, as the caller describes it. */
export interface AuditEntry {
  /** Who acted: a user (id + name) or the system itself. */
  actor: { id: string; name: string } | 'system';
  /** Dotted verb, e.g. 'auth.login', 'camera.create', 'camera.import', 'playback.view', 'audit.query'. */
  action: string;
  target?: { type?: string | null; id?: string | null } | null;
  cameraIds?: readonly string[];
  purpose?: string | null;
  caseRef?: string | null;
  ip?: string | null;
  outcome?: AuditOutcome; // default 'ok'
  details?: Record<string, unknown>;
  /** Integer UTC ms; default: the log's clock. Injected by imports of history and by tests. */
  at?: EpochMs;
}

/** Where an appended record landed. */
export interface AppendedRecord {
  chain: string;
  chainSeq: number;
  at: EpochMs;
  hash: string;
}

/** A record as auditors read it: JSON fields parsed, times as integer UTC ms. */
export interface AuditItem {
  seq: number;
  chain: string;
  chainSeq: number;
  at: EpochMs;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  cameraIds: string[];
  purpose: string | null;
  caseRef: string | null;
  ip: string | null;
  outcome: string;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditFilter {
  from?: EpochMs; // inclusive
  to?: EpochMs; // exclusive
  actorId?: string;
  /** Matches actions starting with this text, e.g. 'camera.' or 'auth.login'. */
  action?: string;
  cameraId?: string;
  caseRef?: string;
  limit?: number; // 1–500, default 100
  cursor?: string | null;
}

export interface AuditPage {
  items: AuditItem[]; // newest first
  nextCursor: string | null;
}

export type ProblemKind =
  | 'modified' // a record's or checkpoint's stored content no longer matches its hash
  | 'missing' // records, a chain head or a checkpoint are gone
  | 'inserted' // rows that the audit log did not write (beyond the head, unknown chain)
  | 'reordered' // a record sits at another position than the one it was written at
  | 'head_mismatch' // audit_chains disagrees with the records or the checkpoint
  | 'checkpoint_mismatch' // a signed checkpoint disagrees with the records it covers
  | 'bad_signature'
  | 'unknown_key'
  | 'broken_link'; // prev_hash / prev_checkpoint_hash does not point where it must

export interface AuditProblem {
  chain: string;
  chainSeq?: number;
  kind: ProblemKind;
  message: string;
}

export interface ChainReport {
  chain: string;
  /** Records hashed and checked in this run. */
  records: number;
  ok: boolean;
  /** 'open' = still being appended to (no checkpoint yet); 'archived' = records moved to an archive file. */
  state: 'open' | 'closed' | 'archived' | 'unknown';
  /** Records appended to an open chain while the verification ran (checked next time). */
  appendedDuringRun?: number;
}

export interface VerifyOptions {
  /** Rows per keyset page (default 5000). */
  batchSize?: number;
  /** Called after every page with the number of records checked so far. */
  onProgress?: (recordsChecked: number) => void;
  /** Stop listing problems after this many (default 1000); `problemsOmitted` counts the rest. */
  maxProblems?: number;
}

export interface VerifyResult {
  ok: boolean;
  recordsChecked: number;
  checkpointsChecked: number;
  chains: ChainReport[];
  problems: AuditProblem[];
  problemsOmitted: number;
}

/** Only what verification needs from the keyring (SiteKeyring fits). */
export interface PublicKeySource {
  publicKey(keyId: string): { publicKeyPem: string } | undefined;
}

/** Only what checkpointing needs from the keyring (SiteKeyring fits). */
export interface CheckpointSigner {
  sign(data: string): { keyId: string; signature: string };
}
