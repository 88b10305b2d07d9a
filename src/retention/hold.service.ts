import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import { addEvent } from '../events/outbox';
import type { Store } from '../store/store';
import type { Hold, HoldFilter, HoldInput } from './hold.model';
import { HoldRepository } from './hold.repository';

function actorName(ctx: ActionContext): string {
  return ctx.principal?.username ?? ctx.systemActor ?? 'system';
}

/**
 * Legal holds: placed and released by users holding `hold.manage` on cameras in their scope, each
 * bound to a case and audited; listed with `hold.read`. A held segment is never deleted by any
 * retention rule (see RetentionSweeper). Out-of-scope cameras and their holds answer 404.
 */
export class HoldService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly afterCommit: () => void = () => undefined,
    /** Called after a release so retention can resume a storage that only held footage kept full. */
    private readonly afterRelease: () => void = () => undefined,
  ) {}

  async place(ctx: ActionContext, input: HoldInput): Promise<Hold & { coverage: { segments: number; bytes: number } }> {
    const scopes = authorize(ctx, 'hold.manage');
    const caseRef = input.caseRef ?? ctx.caseRef;
    if (!caseRef) throw new ValidationError('A legal hold must be bound to a case: send the case reference as X-Case-Ref or as caseRef in the body', { field: 'caseRef' });
    if (input.caseRef && ctx.caseRef && input.caseRef !== ctx.caseRef) {
      throw new ValidationError(`caseRef '${input.caseRef}' differs from X-Case-Ref '${ctx.caseRef}': send one case reference`, { field: 'caseRef' });
    }
    const cam = await new CameraRepository(this.store.db).get(input.cameraId, scopes);
    if (!cam) throw new NotFoundError('camera', input.cameraId);
    const now = this.clock.now();
    const actx = { ...ctx, caseRef };
    const id = await this.store.transaction(async (tx) => {
      await HoldRepository.lock(tx, this.store.engine, 'place');
      const holdId = await new HoldRepository(tx).insert({
        camera_id: cam.id, start_ms: input.startMs, end_ms: input.endMs, case_ref: caseRef, reason: input.reason, created_by: actorName(ctx), created_at: now,
      });
      await this.audit.record(tx, actx, {
        action: 'hold.place', targetType: 'legal_hold', targetId: String(holdId), cameraIds: [cam.id],
        details: { startMs: input.startMs, endMs: input.endMs, reason: input.reason },
      });
      await addEvent(tx, 'hold.placed', { holdId, cameraId: cam.id, startMs: input.startMs, endMs: input.endMs }, now);
      return holdId;
    });
    this.afterCommit();
    const repo = new HoldRepository(this.store.db);
    const hold = (await repo.get(id, [{ organisations: null, districts: null }]))!;
    return { ...hold, coverage: await repo.coverage(hold.cameraId, hold.startMs, hold.endMs) };
  }

  async list(ctx: ActionContext, filter: HoldFilter, limit: number, beforeId?: number): Promise<{ items: Hold[]; nextCursor: string | null }> {
    const scopes = authorize(ctx, 'hold.read');
    const items = await new HoldRepository(this.store.db).list(filter, scopes, limit, beforeId);
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1]!.id) : null };
  }

  async get(ctx: ActionContext, id: number): Promise<Hold> {
    const scopes = authorize(ctx, 'hold.read');
    const hold = await new HoldRepository(this.store.db).get(id, scopes);
    if (!hold) throw new NotFoundError('legal hold', String(id));
    return hold;
  }

  async release(ctx: ActionContext, id: number, reason: string): Promise<Hold> {
    const scopes = authorize(ctx, 'hold.manage');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const repo = new HoldRepository(tx);
      const hold = await repo.get(id, scopes);
      if (!hold) throw new NotFoundError('legal hold', String(id));
      if (!(await repo.release(id, actorName(ctx), now))) {
        throw new ConflictError('hold_released', `Legal hold ${id} was already released (at ${new Date(hold.releasedAt ?? now).toISOString()} by ${hold.releasedBy ?? 'someone else'})`);
      }
      await this.audit.record(tx, { ...ctx, caseRef: ctx.caseRef ?? hold.caseRef }, {
        action: 'hold.release', targetType: 'legal_hold', targetId: String(id), cameraIds: [hold.cameraId],
        details: { reason, startMs: hold.startMs, endMs: hold.endMs, holdCaseRef: hold.caseRef },
      });
      await addEvent(tx, 'hold.released', { holdId: id, cameraId: hold.cameraId }, now);
    });
    this.afterCommit();
    this.afterRelease();
    return (await new HoldRepository(this.store.db).get(id, [{ organisations: null, districts: null }]))!;
  }
}
