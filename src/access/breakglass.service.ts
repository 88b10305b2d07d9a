import { randomUUID } from 'node:crypto';
import { authorize } from '../auth/guard';
import type { AccessConfig } from '../config/access.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError, UserError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { BreakGlassRepository } from './breakglass.repository';
import type { BreakGlass, BreakGlassStatus } from './model';

/**
 * Break-glass: a user holding 'breakglass.use' states an emergency reason and, for `breakGlass.durationMs`,
 * passes the access policy's case requirement (src/access/policy.ts); every record written meanwhile carries
 * the break-glass id. Each use lands in the review queue, where a holder of 'access.review' approves or flags
 * it with a note. Starting, reviewing and reading the queue are audited.
 */
export class BreakGlassService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly config: AccessConfig['breakGlass'],
  ) {}

  async start(ctx: ActionContext, reason: string): Promise<BreakGlass> {
    authorize(ctx, 'breakglass.use');
    const p = ctx.principal;
    if (!p) throw new UserError('user_required', 'Break-glass is for a person: log in as the user who needs emergency access', undefined, 400);
    const why = reason.trim();
    if (why.length < this.config.minReasonLength) {
      throw new ValidationError(`reason: describe the emergency in at least ${this.config.minReasonLength} characters (a supervisor reviews it)`, { field: 'reason' });
    }
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const repo = new BreakGlassRepository(tx);
      const running = await repo.active(p.userId, now);
      if (running) throw new ConflictError('breakglass_active', `You already have break-glass access until ${new Date(running.expiresAt).toISOString()} (id ${running.id}); it ends by itself`, { id: running.id });
      const b: BreakGlass = {
        id: randomUUID(), userId: p.userId, username: p.username, reason: why, startedAt: now, expiresAt: now + this.config.durationMs, active: true,
        reviewStatus: 'pending', reviewedBy: null, reviewedAt: null, reviewNote: null,
      };
      await repo.insert(b);
      await this.audit.record(tx, { ...ctx, breakGlassId: b.id }, { action: 'breakglass.start', targetType: 'break_glass', targetId: b.id, details: { reason: why, expiresAt: b.expiresAt } });
      return b;
    });
  }

  /** The caller's running break-glass, or null. */
  async mine(ctx: ActionContext): Promise<BreakGlass | null> {
    authorize(ctx, 'breakglass.use');
    if (!ctx.principal) return null;
    return (await new BreakGlassRepository(this.store.db).active(ctx.principal.userId, this.clock.now())) ?? null;
  }

  /** The review queue (newest first); reading it is audited (it names people). */
  async list(ctx: ActionContext, status: BreakGlassStatus | undefined, limit: number): Promise<BreakGlass[]> {
    authorize(ctx, 'access.review');
    const items = await new BreakGlassRepository(this.store.db).list(status, limit, this.clock.now());
    await this.audit.recordStandalone(ctx, { action: 'breakglass.list', details: { status: status ?? null, results: items.length } });
    return items;
  }

  async review(ctx: ActionContext, id: string, decision: 'approved' | 'flagged', note: string): Promise<BreakGlass> {
    authorize(ctx, 'access.review');
    const now = this.clock.now();
    const by = ctx.principal?.username ?? ctx.systemActor ?? 'system';
    return this.store.transaction(async (tx) => {
      const repo = new BreakGlassRepository(tx);
      const b = await repo.get(id, now);
      if (!b) throw new NotFoundError('break-glass', id);
      if (ctx.principal && b.userId === ctx.principal.userId) throw new UserError('own_breakglass', 'You cannot review your own break-glass: another supervisor must', { id }, 403);
      if (b.reviewStatus !== 'pending') throw new ConflictError('already_reviewed', `Break-glass ${id} was already ${b.reviewStatus} by ${b.reviewedBy ?? 'someone'}`, { id });
      await repo.review(id, decision, by, note, now);
      await this.audit.record(tx, ctx, { action: 'breakglass.review', targetType: 'break_glass', targetId: id, details: { decision, note, user: b.username } });
      return { ...b, reviewStatus: decision, reviewedBy: by, reviewedAt: now, reviewNote: note };
    });
  }
}
