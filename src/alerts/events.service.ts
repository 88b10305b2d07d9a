import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext } from '../core/context';
import { NotFoundError, ValidationError } from '../core/errors';
import type { Store } from '../store/store';
import { AnalyticsEventRepository, toEvent } from './event.repository';
import type { SnapshotStore } from './snapshot-store';
import type { AnalyticsEvent, EventFilter, Page } from './types';

const HOUR = 3_600_000;
export const TIMELINE_MAX_MS = 7 * 24 * HOUR;
export const TIMELINE_MAX_EVENTS = 2000;

/** Reading stored analytics events ('analytics.read', in scope; out of scope = 404). */
export class AnalyticsEventService {
  constructor(
    private readonly store: Store,
    private readonly snapshots: SnapshotStore,
  ) {}

  async list(ctx: ActionContext, filter: EventFilter, limit: number, cursor?: string): Promise<Page<AnalyticsEvent>> {
    const scopes = authorize(ctx, 'analytics.read');
    if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.toMs <= filter.fromMs) {
      throw new ValidationError('to must be after from (both integer UTC ms)', { fromMs: filter.fromMs, toMs: filter.toMs });
    }
    return new AnalyticsEventRepository(this.store.db).list(filter, scopes, limit, cursor);
  }

  async get(ctx: ActionContext, id: string): Promise<AnalyticsEvent> {
    const scopes = authorize(ctx, 'analytics.read');
    const row = await new AnalyticsEventRepository(this.store.db).get(id, scopes);
    if (!row) throw new NotFoundError('analytics event', id);
    return toEvent(row);
  }

  /** The event's JPEG; the stored path is checked to lie inside the snapshot directory. */
  async snapshot(ctx: ActionContext, id: string): Promise<Buffer> {
    const scopes = authorize(ctx, 'analytics.read');
    const row = await new AnalyticsEventRepository(this.store.db).get(id, scopes);
    if (!row) throw new NotFoundError('analytics event', id);
    if (row.snapshot === null) throw new NotFoundError('snapshot of event', id);
    return this.snapshots.read(row.snapshot, id);
  }

  /**
   * The events of one camera in a window (at most 7 days, newest first, at most 2,000), for the
   * playback timeline. The camera must be in the caller's analytics scope.
   */
  async forCamera(ctx: ActionContext, cameraId: string, fromMs: number, toMs: number): Promise<{ items: AnalyticsEvent[]; truncated: boolean }> {
    const scopes = authorize(ctx, 'analytics.read');
    if (!(toMs > fromMs)) throw new ValidationError('to must be after from (both integer UTC ms)', { fromMs, toMs });
    if (toMs - fromMs > TIMELINE_MAX_MS) throw new ValidationError('the window is too long: at most 168 hours per request', { fromMs, toMs });
    if (!(await new CameraRepository(this.store.db).get(cameraId, scopes))) throw new NotFoundError('camera', cameraId);
    const page = await new AnalyticsEventRepository(this.store.db).list({ cameraId, fromMs, toMs }, scopes, TIMELINE_MAX_EVENTS);
    return { items: page.items, truncated: page.nextCursor !== null };
  }
}
