import type { Principal } from '../auth/permissions';
import type { Db } from '../store/store';

/** Who acts, from where, and why: passed from the HTTP layer (or CLI) into every service call. */
export interface ActionContext {
  principal: Principal | null; // null = the system itself or an administrative CLI command on the local store
  ip: string | null;
  requestId?: string;
  purpose?: string;
  caseRef?: string;
  /** Set by the access policy (src/access) when an active break-glass lifted the case requirement; audited with every record. */
  breakGlassId?: string;
  /** Names a non-user actor in the audit trail, e.g. 'cli:local' or 'system:startup'. */
  systemActor?: string;
}

export const SYSTEM: ActionContext = { principal: null, ip: null };

/** What services write to the audit trail (implemented by src/audit). */
export interface AuditEntryInput {
  action: string;
  targetType?: string;
  targetId?: string;
  cameraIds?: string[];
  outcome?: 'ok' | 'denied' | 'failed';
  details?: Record<string, unknown>;
}

export interface AuditAppender {
  /** Appends in the caller's transaction `tx`, so the record commits with the change or not at all. */
  record(tx: Db, ctx: ActionContext, entry: AuditEntryInput): Promise<void>;
  /**
   * A record that belongs to no change (a view, search, read, refusal): concurrent ones are appended in one
   * group-committed transaction; resolves once the record is committed, rejects if its batch failed.
   * Call it outside any transaction (its batch takes a connection and the node's audit lock).
   */
  recordStandalone(ctx: ActionContext, entry: AuditEntryInput): Promise<void>;
}
