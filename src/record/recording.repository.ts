import type { Db } from '../store/store';

/**
 * Why a camera was not recorded for a while (recording_gaps.reason). `exited` is the generic one:
 * a gap opened with it takes the more precise reason of the next failed attempt.
 */
export const GAP_REASONS = [
  'exited', 'stalled', 'unreachable', 'auth_failed', 'not_found', 'invalid_data', 'restarted', 'stopped',
  'storage_paused', 'storage_full', 'storage_full_held',
  // cluster mode (src/cluster): the camera moved to this node because its recorder node died (failover) or gave it back (handover)
  'failover', 'handover',
] as const;
export type GapReason = (typeof GAP_REASONS)[number];
/** Reasons that are failures of the source or of ffmpeg (as opposed to planned stops and storage pauses). */
const SOURCE_FAILURES: readonly GapReason[] = ['exited', 'stalled', 'unreachable', 'auth_failed', 'not_found', 'invalid_data'];

export interface Gap {
  id: number;
  cameraId: string;
  startMs: number;
  endMs: number | null;
  reason: string;
}

/** The columns of camera_health the recorder owns (src/health owns tamper, fps, bitrate_bps, storage_bytes). */
export interface HealthPatch {
  state?: 'starting' | 'online' | 'offline' | 'failed';
  reconnects?: number;
  lastSegmentAt?: number | null;
  lastError?: string | null;
  /** JSON of the last probe (POST /api/cameras/:id/probe). */
  probe?: string;
}

/** recording_gaps and the recorder's columns of camera_health: the only code that writes them. */
export class RecordingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Opens a gap at `startMs`. When one is open already: an `exited` gap takes the more precise
   * reason of a later failure (same outage); a gap of a planned stop (stopped, restarted, storage_*)
   * ends where a failure of the source begins, and a gap with the failure's reason follows it;
   * a 'failover' takes over an open planned gap (its node died); otherwise nothing changes. `startMs` null = at the end of the camera's latest segment, or at
   * `orMs` when it has none (nothing happens without either).
   */
  async openGap(cameraId: string, startMs: number | null, reason: GapReason, orMs?: number): Promise<void> {
    const open = await this.db.selectFrom('recording_gaps').select(['id', 'reason', 'start_ms']).where('camera_id', '=', cameraId).where('end_ms', 'is', null).executeTakeFirst();
    if (open) {
      const failure = SOURCE_FAILURES.includes(reason);
      if (reason === 'failover' && (open.reason === 'stopped' || open.reason === 'handover')) {
        // Cluster mode: the node that opened it died before its first segment; the outage is the failover's.
        await this.db.updateTable('recording_gaps').set({ reason }).where('id', '=', open.id).execute();
      } else if (open.reason === 'exited' && failure && reason !== 'exited') {
        await this.db.updateTable('recording_gaps').set({ reason }).where('id', '=', open.id).execute();
      } else if (!SOURCE_FAILURES.includes(open.reason as GapReason) && failure && startMs !== null) {
        if (startMs <= Number(open.start_ms)) {
          await this.db.updateTable('recording_gaps').set({ reason }).where('id', '=', open.id).execute();
        } else {
          await this.db.updateTable('recording_gaps').set({ end_ms: startMs }).where('id', '=', open.id).execute();
          await this.db.insertInto('recording_gaps').values({ camera_id: cameraId, start_ms: startMs, end_ms: null, reason }).execute();
        }
      }
      return;
    }
    let start = startMs;
    if (start === null) {
      const r = await this.db.selectFrom('segments').select((eb) => eb.fn.max('end_ms').as('end')).where('camera_id', '=', cameraId).executeTakeFirst();
      if (r?.end !== null && r?.end !== undefined) start = Number(r.end);
      else if (orMs !== undefined) start = orMs;
      else return;
    }
    await this.db.insertInto('recording_gaps').values({ camera_id: cameraId, start_ms: start, end_ms: null, reason }).execute();
  }

  /** Closes the camera's open gap at `endMs` (never before its start). */
  async closeGap(cameraId: string, endMs: number): Promise<void> {
    await this.db
      .updateTable('recording_gaps')
      .set((eb) => ({ end_ms: eb.case().when('start_ms', '>', endMs).then(eb.ref('start_ms')).else(eb.val(endMs)).end() }))
      .where('camera_id', '=', cameraId)
      .where('end_ms', 'is', null)
      .execute();
  }

  /** Gaps of a camera overlapping [fromMs, toMs), oldest first (open gaps have endMs null). */
  async gapsInRange(cameraId: string, fromMs: number, toMs: number): Promise<Gap[]> {
    const rows = await this.db
      .selectFrom('recording_gaps')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '>', fromMs)]))
      .orderBy('start_ms')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), cameraId: r.camera_id, startMs: Number(r.start_ms), endMs: r.end_ms === null ? null : Number(r.end_ms), reason: r.reason }));
  }

  /** Creates the camera's health row if needed and sets the given columns. */
  async upsertHealth(cameraId: string, p: HealthPatch, now: number): Promise<void> {
    const set = {
      ...(p.state !== undefined ? { state: p.state } : {}),
      ...(p.reconnects !== undefined ? { reconnects: p.reconnects } : {}),
      ...(p.lastSegmentAt !== undefined ? { last_segment_at: p.lastSegmentAt } : {}),
      ...(p.lastError !== undefined ? { last_error: p.lastError } : {}),
      ...(p.probe !== undefined ? { probe: p.probe } : {}),
      updated_at: now,
    };
    await this.db
      .insertInto('camera_health')
      .values({
        camera_id: cameraId, state: p.state ?? 'unknown', fps: null, bitrate_bps: null, reconnects: p.reconnects ?? 0, last_segment_at: p.lastSegmentAt ?? null,
        storage_bytes: 0, tamper: '{}', probe: p.probe ?? null, last_error: p.lastError ?? null, updated_at: now,
      })
      .onConflict((oc) => oc.column('camera_id').doUpdateSet(set))
      .execute();
  }

  async health(cameraId: string): Promise<{ state: string; reconnects: number; lastSegmentAt: number | null; lastError: string | null; probe: string | null } | undefined> {
    const r = await this.db.selectFrom('camera_health').select(['state', 'reconnects', 'last_segment_at', 'last_error', 'probe']).where('camera_id', '=', cameraId).executeTakeFirst();
    return r ? { state: r.state, reconnects: r.reconnects, lastSegmentAt: r.last_segment_at === null ? null : Number(r.last_segment_at), lastError: r.last_error, probe: r.probe } : undefined;
  }
}
