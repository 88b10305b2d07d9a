/**
 * The tamper-evident audit trail. One hash chain per (node, partition) named '<node>:<partition>';
 * closing a chain writes a checkpoint signed with the site key, and the next chain's first record
 * links to it. See chain.ts for the exact hashing, append.ts for concurrency, verify.ts for checks.
 */
import type { ActionContext, AuditAppender, AuditEntryInput } from '../core/context';
import { ValidationError } from '../core/errors';
import { systemClock, type Clock, type EpochMs } from '../core/time';
import type { Db } from '../store/store';
import { appendRecord, sealChains, type ChainConfig, type SealResult } from './append';
import { AuditGroupCommit, type GroupCommitOptions } from './group-commit';
import { archivePartitions, type ArchiveResult } from './archive';
import { assertNodeName, partitionOf, type PartitionMode } from './chain';
import { queryAudit } from './query';
import type { AppendedRecord, AuditEntry, AuditFilter, AuditPage, CheckpointSigner, PublicKeySource, VerifyOptions, VerifyResult } from './types';
import { verifyAudit } from './verify';

export { verifyAudit } from './verify';
export { queryAudit, MAX_QUERY_LIMIT } from './query';
export { archivePartitions, verifyArchiveFile, ARCHIVE_FORMAT, type ArchiveResult } from './archive';
export { appendRecord, appendBodies, sealChains, type SealResult } from './append';
export { AuditGroupCommit, type GroupCommitOptions, type GroupCommitStats } from './group-commit';
export { GENESIS, partitionOf, nextPartition, partitionStart, partitionEnd, type PartitionMode } from './chain';
export type * from './types';

const DAY_MS = 86_400_000;

export interface AuditLogOptions {
  /** This node's name (the site id or a node id within the site); first part of chain names. */
  node: string;
  /** Length of one chain (config audit.partition); default 'month'. */
  partition?: PartitionMode;
  /** Signs checkpoints (sign) and checks them (publicKey): the SiteKeyring. */
  keyring: CheckpointSigner & PublicKeySource;
  clock?: Clock;
}

/**
 * Appends in a caller's transaction (`append`, `record`: the AuditAppender shape minus standalone records,
 * which need a database: `groupCommit(db)`; src/app/audit-service.ts puts both together).
 */
export class AuditLog implements Pick<AuditAppender, 'record'> {
  readonly node: string;
  readonly partition: PartitionMode;
  private readonly keyring: CheckpointSigner & PublicKeySource;
  private readonly clock: Clock;

  constructor(opts: AuditLogOptions) {
    assertNodeName(opts.node);
    this.node = opts.node;
    this.partition = opts.partition ?? 'month';
    this.keyring = opts.keyring;
    this.clock = opts.clock ?? systemClock;
  }

  private get cfg(): ChainConfig {
    return { node: this.node, partition: this.partition, signer: this.keyring, clock: this.clock };
  }

  /** Appends one record inside the caller's transaction `tx`: it commits or rolls back with the change. */
  append(tx: Db, entry: AuditEntry): Promise<AppendedRecord> {
    return appendRecord(tx, this.cfg, entry);
  }

  /**
   * A group-commit appender on `db` for standalone records (views, searches, reads: no change to commit
   * with): concurrent records share one transaction; each resolves once committed (group-commit.ts).
   */
  groupCommit(db: Db, opts: Omit<GroupCommitOptions, 'db' | 'cfg'> = {}): AuditGroupCommit {
    return new AuditGroupCommit({ ...opts, db, cfg: this.cfg });
  }

  /**
   * AuditAppender for the services: actor, ip, purpose and case come from the action context;
   * the request id and the API token used (if any) are added to the details.
   */
  async record(tx: Db, ctx: ActionContext, entry: AuditEntryInput): Promise<void> {
    const p = ctx.principal;
    const extra = { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...(p?.tokenId ? { tokenId: p.tokenId } : {}) };
    await this.append(tx, {
      actor: p ? { id: p.userId, name: p.username } : ctx.systemActor ? { id: ctx.systemActor, name: ctx.systemActor } : 'system',
      action: entry.action,
      target: entry.targetType !== undefined || entry.targetId !== undefined ? { type: entry.targetType ?? null, id: entry.targetId ?? null } : null,
      cameraIds: entry.cameraIds,
      purpose: ctx.purpose ?? null,
      caseRef: ctx.caseRef ?? null,
      ip: ctx.ip,
      outcome: entry.outcome,
      details: { ...entry.details, ...extra },
    });
  }

  /** Auditors' search, newest first; pass `nextCursor` back for the next page. */
  query(db: Db, filter: AuditFilter = {}): Promise<AuditPage> {
    return queryAudit(db, filter);
  }

  /** Checks every chain and checkpoint of every node in the database. */
  verify(db: Db, opts?: VerifyOptions): Promise<VerifyResult> {
    return verifyAudit(db, this.keyring, opts);
  }

  /** Closes and checkpoints every open chain whose partition is over (default: by this log's clock). */
  seal(db: Db, opts: { now?: EpochMs } = {}): Promise<SealResult> {
    return sealChains(db, this.cfg, opts.now ?? this.clock.now());
  }

  /** Moves checkpointed chains of partitions ending before partition `before` into JSONL files under `dir`. */
  archive(db: Db, before: string, dir: string): Promise<ArchiveResult> {
    return archivePartitions(db, this.keyring, { before, dir, now: this.clock.now() });
  }

  /** The `before` partition for archive() given a retention in days (config audit.retentionDays). */
  retentionCutoff(retentionDays: number, now: EpochMs = this.clock.now()): string {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new ValidationError(`Audit retention must be a positive number of days, got ${retentionDays}`);
    return partitionOf(Math.max(0, now - retentionDays * DAY_MS), this.partition);
  }
}
