import { authorize } from '../auth/guard';
import { UserRepository } from '../auth/user.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { CaseRepository } from './cases.repository';
import type { Case, CaseCreate } from './model';

const actor = (ctx: ActionContext): { id: string; name: string } =>
  ctx.principal ? { id: ctx.principal.userId, name: ctx.principal.username } : { id: ctx.systemActor ?? 'system', name: ctx.systemActor ?? 'system' };

/**
 * Investigation cases. Forensic search and journeys run only inside an open, unexpired case the user is
 * authorised for (`requireCase`); every refusal is itself audited, so the trail shows who tried to search
 * without a case, not only who searched with one. Managing cases needs 'case.manage'.
 */
export class CaseService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async create(ctx: ActionContext, input: CaseCreate): Promise<Case> {
    authorize(ctx, 'case.manage');
    const now = this.clock.now();
    if (input.expiresAt <= now) throw new ValidationError(`expiresAt ${new Date(input.expiresAt).toISOString()} is in the past: give a future expiry (UTC ms)`, { field: 'expiresAt' });
    const me = actor(ctx);
    return this.store.transaction(async (tx) => {
      const repo = new CaseRepository(tx);
      if (await repo.get(input.ref)) throw new ConflictError('case_exists', `A case '${input.ref}' already exists: open it, or use another reference`, { ref: input.ref });
      const users = new UserRepository(tx);
      const authorised: Case['authorisedUsers'] = ctx.principal ? [{ id: me.id, username: me.name }] : [];
      for (const username of input.authorisedUsers) {
        const u = await users.byUsername(username);
        if (!u) throw new ValidationError(`authorisedUsers: there is no user '${username}'`, { field: 'authorisedUsers', username });
        if (!authorised.some((a) => a.id === u.id)) authorised.push({ id: u.id, username: u.username });
      }
      const c: Case = {
        ref: input.ref, purpose: input.purpose, authorisedUsers: authorised, expiresAt: input.expiresAt, status: 'open',
        createdBy: me.name, createdAt: now, closedAt: null, closedBy: null, closeReason: null,
      };
      await repo.insert(c, me.id);
      await this.audit.record(tx, { ...ctx, caseRef: c.ref }, {
        action: 'case.create', targetType: 'case', targetId: c.ref,
        details: { purpose: c.purpose, authorisedUsers: authorised.map((a) => a.username), expiresAt: c.expiresAt },
      });
      return c;
    });
  }

  /** The cases the caller is authorised for, newest first. */
  async list(ctx: ActionContext, limit = 200): Promise<Case[]> {
    authorize(ctx, 'case.manage');
    return new CaseRepository(this.store.db).list(ctx.principal?.userId ?? null, limit);
  }

  async get(ctx: ActionContext, ref: string): Promise<Case> {
    authorize(ctx, 'case.manage');
    return this.visible(ctx, ref);
  }

  async close(ctx: ActionContext, ref: string, reason: string): Promise<Case> {
    authorize(ctx, 'case.manage');
    const now = this.clock.now();
    const c = await this.visible(ctx, ref);
    if (c.status === 'closed') throw new ConflictError('case_closed', `Case '${ref}' is already closed`, { ref });
    const me = actor(ctx);
    await this.store.transaction(async (tx) => {
      await new CaseRepository(tx).close(ref, me.name, reason, now);
      await this.audit.record(tx, { ...ctx, caseRef: ref }, { action: 'case.close', targetType: 'case', targetId: ref, details: { reason } });
    });
    return { ...c, status: 'closed', closedAt: now, closedBy: me.name, closeReason: reason };
  }

  /**
   * The case the request works in (X-Case-Ref): it must exist, be open, not expired, and name the caller
   * among its authorised users. Otherwise the attempt is audited (outcome 'denied', with the action it
   * would have been and the reason) and refused with an error that says what to do.
   */
  async requireCase(ctx: ActionContext, action: string): Promise<Case> {
    const ref = ctx.caseRef;
    const refuse = async (err: UserError): Promise<never> => {
      try {
        await this.audit.recordStandalone(ctx, { action, outcome: 'denied', targetType: 'case', targetId: ref ?? undefined, details: { reason: err.code } });
      } catch (auditErr) {
        this.log.error({ err: auditErr, action, caseRef: ref }, 'could not audit a refused case-bound request');
      }
      throw err;
    };
    if (!ref) return refuse(new UserError('case_required', 'This search belongs to a case: send the case reference in the X-Case-Ref header (create a case with POST /api/cases)', { header: 'X-Case-Ref' }, 400));
    const c = await new CaseRepository(this.store.db).get(ref);
    const mayUse = c && (!ctx.principal || c.authorisedUsers.some((u) => u.id === ctx.principal!.userId));
    if (!c || !mayUse) return refuse(new UserError('case_not_authorised', `Case '${ref}' does not exist or you are not among its authorised users: ask the case's creator to add you`, { caseRef: ref }, 403));
    if (c.status === 'closed') return refuse(new UserError('case_closed', `Case '${ref}' is closed: searches need an open case`, { caseRef: ref }, 403));
    if (c.expiresAt <= this.clock.now()) return refuse(new UserError('case_expired', `Case '${ref}' expired at ${new Date(c.expiresAt).toISOString()}: its creator must open a new case`, { caseRef: ref }, 403));
    const { createdById: _c, ...rest } = c;
    return rest;
  }

  /** A case the caller may see (authorised users); others look absent. */
  private async visible(ctx: ActionContext, ref: string): Promise<Case> {
    const c = await new CaseRepository(this.store.db).get(ref);
    if (!c || (ctx.principal && !c.authorisedUsers.some((u) => u.id === ctx.principal!.userId))) throw new NotFoundError('case', ref);
    const { createdById: _c, ...rest } = c;
    return rest;
  }
}
