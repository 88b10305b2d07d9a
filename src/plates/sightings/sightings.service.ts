import { randomUUID } from 'node:crypto';
import type { SnapshotStore } from '../../alerts/snapshot-store';
import { authorize } from '../../auth/guard';
import { CameraRepository } from '../../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../../core/context';
import { NotFoundError, ValidationError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/time';
import type { RgbImage } from '../../detect/types';
import type { Store } from '../../store/store';
import { plateKey } from '../grammar/index';
import type { HotlistMatcher } from '../hotlists/matcher';
import type { HotlistMatch } from '../hotlists/types';
import { normaliseQuery } from '../search/pattern';
import { PartitionRepository } from './partition.repository';
import { monthStart } from './partitions';
import { SightingRepository, toSighting, type SightingRow } from './sighting.repository';
import { SightingWriter } from './sighting-writer';
import type { Page, Sighting, SightingFilter, SightingInput } from './types';

const CAMERA_TTL_MS = 30_000;

/** What raises a hotlist alert (src/alerts/event-sink.ts EventSink.recordAlertEvent). */
export interface AlertPort {
  recordAlertEvent(
    cameraId: string,
    e: { type: string; label: string; sourceId: string; sourceName: string; severity: 'low' | 'medium' | 'high' | 'critical'; tMs: number; title: string; trackId?: number | null; detail: Record<string, unknown> },
    snapshot?: RgbImage,
  ): Promise<string | null>;
}

export interface SightingStats {
  recorded: number;
  failed: number;
  hotlistHits: number;
  alertsRaised: number;
}

export interface RecordResult {
  sighting: Sighting;
  matches: HotlistMatch[];
  /** Analytics event ids of the alerts raised (one per matching entry). */
  alertEvents: string[];
}

/**
 * Plate sightings: every read stored with its camera's scope and position, published as
 * 'plate.sighted' in the same transaction, and matched against the hotlists in memory; a match
 * raises an alert through the EventSink right after the commit (well within the 1 s target).
 */
export class SightingService {
  readonly stats: SightingStats = { recorded: 0, failed: 0, hotlistHits: 0, alertsRaised: 0 };
  private readonly cameras = new Map<string, { owner: string; district: string; lat: number; lon: number; at: number }>();
  private readonly partitions = new Set<number>();
  private readonly writer: SightingWriter;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      log: Logger;
      matcher: HotlistMatcher;
      alerts: AlertPort;
      crops: SnapshotStore;
      afterCommit?: () => void;
      /** Reads of plate sightings (personal data) are audited through it (src/governance route walk). */
      audit?: AuditAppender;
    },
  ) {
    this.writer = new SightingWriter(deps);
  }

  /** Resolves when every sighting handed over so far is written. */
  idle(): Promise<void> {
    return this.writer.idle();
  }

  async record(input: SightingInput, snapshot?: RgbImage): Promise<RecordResult> {
    const plate = normaliseQuery(input.plate).replace(/[?*]/g, '');
    if (!plate) throw new ValidationError(`plate: '${input.plate}' holds no letter or digit`);
    if (!Number.isSafeInteger(input.seenAt)) throw new ValidationError('seenAt: integer UTC milliseconds');
    const key = plateKey(plate);
    const cam = await this.cameraOf(input.cameraId);
    const id = randomUUID();
    const live = !input.jobId;
    const matches = live ? this.deps.matcher.match(key, input.seenAt) : [];
    const crops = await this.writeCrops(input, id);
    const row: SightingRow = {
      id, plate, plate_key: key, grammar: input.grammar, camera_id: input.cameraId, owner: cam.owner, district: cam.district, lat: cam.lat, lon: cam.lon,
      seen_at: input.seenAt, confidence: input.confidence, vehicle_class: input.vehicleClass ?? null, vehicle_colour: input.vehicleColour ?? null,
      direction: input.direction ?? null, plate_crop: crops.plate, vehicle_crop: crops.vehicle, track_id: input.trackId ?? null, job_id: input.jobId ?? null,
    };
    // A hit raises its alert alongside the sighting's transaction, not after it: under load the
    // alert then waits for one transaction, not two. Should the sighting fail, the alert stands.
    const alerting = matches.length ? this.raise(row, matches, snapshot) : Promise.resolve([]);
    try {
      await this.ensurePartition(input.seenAt);
      const event = live
        ? {
            sightingId: id, plate, grammar: row.grammar, cameraId: row.camera_id, owner: row.owner, district: row.district, lat: row.lat, lon: row.lon,
            seenAt: row.seen_at, confidence: row.confidence, vehicleClass: row.vehicle_class, hotlistHits: matches.length,
          }
        : null;
      await this.writer.write(row, event);
    } catch (err) {
      this.stats.failed++;
      for (const rel of [crops.plate, crops.vehicle]) if (rel) await this.deps.crops.remove(rel);
      await alerting;
      throw err;
    }
    this.stats.recorded++;
    const alertEvents = await alerting;
    return { sighting: toSighting(row), matches, alertEvents };
  }

  /** The live feed: newest first, in the caller's scope ('sightings.read'). */
  async recent(ctx: ActionContext, filter: SightingFilter & { plate?: string }, limit: number, cursor?: string): Promise<Page<Sighting>> {
    const scopes = authorize(ctx, 'sightings.read');
    const plate = filter.plate === undefined ? undefined : normaliseQuery(filter.plate);
    const page = await new SightingRepository(this.deps.store.db, this.deps.store.engine).recent({ ...filter, plate }, scopes, limit, cursor);
    // The unfiltered feed is the operators' live monitoring view (polled); a lookup of one plate is audited.
    if (plate !== undefined) await this.audited(ctx, 'sightings.lookup', null, [...new Set(page.items.map((x) => x.cameraId))], { plate, results: page.items.length, page: cursor ? 'next' : 'first' });
    return page;
  }

  async get(ctx: ActionContext, id: string): Promise<Sighting> {
    const scopes = authorize(ctx, 'sightings.read');
    const row = await new SightingRepository(this.deps.store.db, this.deps.store.engine).get(id, scopes);
    if (!row) throw new NotFoundError('sighting', id);
    await this.audited(ctx, 'sightings.view', id, [row.camera_id], { plate: row.plate });
    return toSighting(row);
  }

  /** The plate or vehicle crop (JPEG); the stored path must stay inside the crop directory. */
  async crop(ctx: ActionContext, id: string, kind: 'plate' | 'vehicle'): Promise<Buffer> {
    const scopes = authorize(ctx, 'sightings.read');
    const row = await new SightingRepository(this.deps.store.db, this.deps.store.engine).get(id, scopes);
    if (!row) throw new NotFoundError('sighting', id);
    const rel = kind === 'plate' ? row.plate_crop : row.vehicle_crop;
    if (!rel) throw new NotFoundError(`${kind} crop of sighting`, id);
    const jpeg = await this.deps.crops.read(rel, id);
    await this.audited(ctx, 'sightings.crop', id, [row.camera_id], { kind });
    return jpeg;
  }

  private async audited(ctx: ActionContext, action: string, id: string | null, cameraIds: string[], details: Record<string, unknown>): Promise<void> {
    const audit = this.deps.audit;
    if (!audit) return; // unit fixtures without an audit trail; the app always wires one (wiring.ts)
    await audit.recordStandalone(ctx, { action, targetType: id ? 'plate_sighting' : undefined, targetId: id ?? undefined, cameraIds: cameraIds.slice(0, 100), details });
  }

  /** Creates the monthly partitions from this month to `monthsAhead` ahead (PostgreSQL; the scheduler calls it daily). */
  async ensurePartitionsAhead(monthsAhead = 2): Promise<string[]> {
    if (this.deps.store.engine !== 'postgres') return [];
    const now = this.deps.clock.now();
    const months = Array.from({ length: monthsAhead + 1 }, (_, i) => monthStart(now, i));
    const created = await new PartitionRepository(this.deps.store.db).ensure(months);
    for (const m of months) this.partitions.add(m);
    if (created.length) this.deps.log.info({ created }, 'plate sighting partitions created');
    return created;
  }

  private async ensurePartition(seenAt: number): Promise<void> {
    if (this.deps.store.engine !== 'postgres') return;
    const m = monthStart(seenAt);
    if (this.partitions.has(m)) return;
    // Old footage (analysis jobs) or a month the scheduler has not reached yet: create it now.
    await new PartitionRepository(this.deps.store.db).ensure([m]);
    this.partitions.add(m);
  }

  private async raise(row: SightingRow, matches: HotlistMatch[], snapshot?: RgbImage): Promise<string[]> {
    const out: string[] = [];
    for (const m of matches) {
      this.stats.hotlistHits++;
      const e = m.entry;
      try {
        const id = await this.deps.alerts.recordAlertEvent(row.camera_id, {
          type: 'hotlist_match', label: 'plate', sourceId: e.hotlistId, sourceName: e.hotlistName, severity: e.priority, tMs: Number(row.seen_at),
          title: `Hotlist ${e.hotlistName}: ${row.plate}${m.kind === 'fuzzy' ? ` (close to ${e.plate})` : ''}`, trackId: row.track_id,
          detail: { sightingId: row.id, plate: row.plate, entryId: e.id, entryPlate: e.plate, match: m.kind, reason: e.reason, priority: e.priority, hotlistOwner: e.owner, caseRef: e.caseRef },
        }, snapshot);
        if (id) {
          out.push(id);
          this.stats.alertsRaised++;
        }
      } catch (err) {
        this.deps.log.error({ sightingId: row.id, entryId: e.id, cameraId: row.camera_id, err: errorMessage(err) }, 'hotlist alert could not be raised; the sighting is stored');
      }
    }
    return out;
  }

  private async writeCrops(input: SightingInput, id: string): Promise<{ plate: string | null; vehicle: string | null }> {
    const write = async (jpeg: Buffer | null | undefined, kind: string): Promise<string | null> => {
      if (!jpeg?.length) return null;
      try {
        return await this.deps.crops.write(input.cameraId, `${id}-${kind}`, input.seenAt, jpeg);
      } catch (err) {
        // The read matters more than its picture.
        this.deps.log.warn({ cameraId: input.cameraId, sightingId: id, kind, err: errorMessage(err) }, 'plate crop could not be written; the sighting is stored without it');
        return null;
      }
    };
    return { plate: await write(input.plateCropJpeg, 'plate'), vehicle: await write(input.vehicleCropJpeg, 'vehicle') };
  }

  private async cameraOf(cameraId: string): Promise<{ owner: string; district: string; lat: number; lon: number }> {
    const now = this.deps.clock.now();
    const hit = this.cameras.get(cameraId);
    if (hit && now - hit.at < CAMERA_TTL_MS) return hit;
    const cam = await new CameraRepository(this.deps.store.db).get(cameraId);
    if (!cam) throw new NotFoundError('camera', cameraId);
    const v = { owner: cam.owner, district: cam.location.district, lat: cam.location.lat, lon: cam.location.lon, at: now };
    if (this.cameras.size > 10_000) this.cameras.clear();
    this.cameras.set(cameraId, v);
    return v;
  }
}
