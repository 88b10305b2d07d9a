import { authorize } from '../auth/guard';
import { AuditLog } from '../audit/index';
import type { ActionContext, AuditAppender, AuditEntryInput } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { SiteKeyring } from '../keys/site-keys';
import type { AuditQuery, AuditReader, VerifyResultView } from '../api/routes/audit.routes';
import type { Db, Store } from '../store/store';

/**
 * The audit trail as the rest of the product uses it: services record entries in their own
 * transaction (AuditAppender); auditors query and verify (AuditReader) — and reading the audit
 * trail is itself audited. Standalone records (views, searches, reads: no change to commit with) go
 * through a group-commit appender (src/audit/group-commit.ts): concurrent ones share one transaction.
 */
export interface AuditService extends AuditAppender, AuditReader {
  log: AuditLog;
  verifyAll(onProgress?: (checked: number) => void): Promise<VerifyResultView>;
  seal(): Promise<void>;
  /** Commits the standalone records still queued (before the store closes). */
  flush(): Promise<void>;
}

export function createAuditService(opts: {
  store: Store; keyring: SiteKeyring; node: string; partition: 'day' | 'month'; clock: Clock;
  /** Group commit of standalone records (config audit.groupCommit*). */
  groupCommit?: { maxBatch?: number; lingerMs?: number }; logger?: Logger;
}): AuditService {
  const log = new AuditLog({ node: opts.node, partition: opts.partition, keyring: opts.keyring, clock: opts.clock });
  const { store } = opts;
  const group = log.groupCommit(store.db, { ...opts.groupCommit, ...(opts.logger ? { log: opts.logger } : {}) });

  function entry(ctx: ActionContext, e: AuditEntryInput) {
    const p = ctx.principal;
    return {
      actor: p ? { id: p.userId, name: p.username } : ctx.systemActor ? { id: ctx.systemActor, name: ctx.systemActor } : ('system' as const),
      action: e.action,
      target: e.targetType ? { type: e.targetType, id: e.targetId ?? null } : null,
      cameraIds: e.cameraIds ?? [],
      purpose: ctx.purpose ?? null,
      caseRef: ctx.caseRef ?? null,
      ip: ctx.ip,
      outcome: e.outcome ?? 'ok',
      details: { ...(e.details ?? {}), ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...(p?.tokenId ? { tokenId: p.tokenId } : {}), ...(ctx.breakGlassId ? { breakGlassId: ctx.breakGlassId } : {}) },
    };
  }

  const svc: AuditService = {
    log,
    async record(tx: Db, ctx: ActionContext, e: AuditEntryInput) {
      await log.append(tx, entry(ctx, e));
    },
    async recordStandalone(ctx: ActionContext, e: AuditEntryInput) {
      await group.append(entry(ctx, e));
    },
    async query(ctx: ActionContext, q: AuditQuery) {
      authorize(ctx, 'audit.read');
      await svc.recordStandalone(ctx, { action: 'audit.query', details: { filter: q } });
      const page = await log.query(store.db, q);
      return { items: page.items.map(({ hash: _h, ...rest }) => rest), nextCursor: page.nextCursor };
    },
    async verify(ctx: ActionContext) {
      authorize(ctx, 'audit.verify');
      const r = await svc.verifyAll();
      await svc.recordStandalone(ctx, { action: 'audit.verify', outcome: r.ok ? 'ok' : 'failed', details: { recordsChecked: r.recordsChecked, problems: r.problems.length } });
      return r;
    },
    async verifyAll(onProgress) {
      const r = await log.verify(store.db, { onProgress });
      return { ok: r.ok, recordsChecked: r.recordsChecked, chains: r.chains, problems: r.problems };
    },
    async seal() {
      await log.seal(store.db);
    },
    flush() {
      return group.flush();
    },
  };
  return svc;
}
