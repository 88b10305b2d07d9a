import type { EventBus, Subscription } from '../bus/bus';
import type { DomainEventMap } from '../bus/events';
import type { Logger } from '../core/logger';
import { haversineM } from './geo';
import { type AddResult, MovementModel } from './model';
import { type Candidate, Predictor, type TripSighting } from './predict';

/**
 * The live hook: every `plate.sighted` trains the movement model incrementally (cameras come with
 * their position in the event); a read of a hotlisted plate gets an interception — the next
 * cameras with time windows and the cameras two and three steps ahead — kept per plate for the
 * alert view and the API. Every node follows all sightings (ephemeral subscription, like the
 * hotlist cache): a durable consumer would share them out between nodes and each model would see
 * only part of the traffic.
 */
export type PlateSighted = Pick<DomainEventMap['plate.sighted'], 'plate' | 'cameraId' | 'owner' | 'district' | 'lat' | 'lon' | 'seenAt' | 'hotlistHits'>;

/** Live sightings held while the stored history is learned, at most. */
const MAX_HELD = 100_000;

export interface TimedCamera {
  cameraId: string;
  lat: number;
  lon: number;
  p: number;
  /** Median arrival and the 10–90 % window, UTC ms. */
  atMs: number;
  fromMs: number;
  toMs: number;
}

export interface Interception {
  plate: string;
  cameraId: string;
  seenAt: number;
  next: TimedCamera[];
  ahead: Array<{ step: number; cameras: TimedCamera[] }>;
}

export interface LiveOptions {
  bus: EventBus;
  log: Logger;
  model?: MovementModel;
  top?: number;
  /** Interceptions kept (the oldest dropped first). */
  maxInterceptions?: number;
}

export class LivePredictor {
  readonly model: MovementModel;
  readonly predictor: Predictor;
  private readonly interceptions = new Map<string, Interception>();
  /** Owner and district of each camera (by model index), for scoping answers to the caller. */
  readonly cameraScope: Array<{ owner: string; district: string }> = [];
  private sub: Subscription | null = null;
  /** Live sightings that arrive while the model learns the stored history; ingested after it. */
  private held: PlateSighted[] | null = null;
  private heldDropped = 0;
  readonly counts: Record<AddResult | 'invalid', number> = { transition: 0, trip_start: 0, duplicate: 0, out_of_order: 0, unknown_camera: 0, invalid: 0 };

  constructor(private readonly o: LiveOptions) {
    this.model = o.model ?? new MovementModel();
    this.predictor = new Predictor(this.model);
  }

  async start(): Promise<void> {
    if (this.sub) return;
    this.sub = await this.o.bus.subscribe<PlateSighted>('plate.sighted', (msg) => {
      if (this.held) {
        if (this.held.length >= MAX_HELD) {
          this.held.shift();
          this.heldDropped++;
        }
        this.held.push(msg.data);
        return;
      }
      this.ingest(msg.data);
    });
  }

  /**
   * Learns the stored sightings (oldest first) so a restarted node predicts from the start; live
   * sightings arriving meanwhile are held (bounded) and ingested afterwards, in order.
   */
  async warmUp(history: AsyncIterable<PlateSighted[]>): Promise<{ sightings: number; held: number; heldDropped: number }> {
    this.held = [];
    let sightings = 0;
    try {
      for await (const page of history) {
        for (const s of page) {
          if (this.model.addSighting(s.plate, s.cameraId, s.seenAt) === 'unknown_camera') this.learnCamera(s);
        }
        sightings += page.length;
      }
    } finally {
      // Whether or not the history could be read, the held live sightings are not lost.
      const held = this.held ?? [];
      this.held = null;
      for (const s of held) this.ingest(s);
    }
    const heldDropped = this.heldDropped;
    this.heldDropped = 0;
    this.o.log.info({ sightings, heldDropped }, 'predict: movement model learned the stored sightings');
    return { sightings, held: 0, heldDropped };
  }

  /** A camera seen for the first time in the stored history: registered, then the sighting counted. */
  private learnCamera(s: PlateSighted): void {
    const c = this.model.addCamera(s.cameraId, s.lat, s.lon);
    this.cameraScope[c] = { owner: String(s.owner ?? ''), district: String(s.district ?? '') };
    this.model.addSighting(s.plate, s.cameraId, s.seenAt);
  }

  async stop(): Promise<void> {
    await this.sub?.unsubscribe();
    this.sub = null;
  }

  /** One sighting: trains the model; a hotlisted plate gets a fresh interception. */
  ingest(s: PlateSighted): Interception | null {
    if (!s || typeof s.plate !== 'string' || typeof s.cameraId !== 'string' || !Number.isFinite(s.seenAt) || !Number.isFinite(s.lat) || !Number.isFinite(s.lon)) {
      this.counts.invalid++;
      this.o.log.warn({ sighting: s }, 'predict: plate.sighted without plate, camera, time or position; ignored');
      return null;
    }
    const known = this.model.cameraIndex.get(s.cameraId);
    if (known === undefined || this.model.lat.a[known] !== s.lat || this.model.lon.a[known] !== s.lon) {
      const c = this.model.addCamera(s.cameraId, s.lat, s.lon);
      this.cameraScope[c] = { owner: String(s.owner ?? ''), district: String(s.district ?? '') };
    }
    const r = this.model.addSighting(s.plate, s.cameraId, s.seenAt);
    this.counts[r]++;
    if (!(s.hotlistHits > 0) || r === 'out_of_order') return null;
    const i = this.intercept(s.plate);
    if (i) {
      this.interceptions.delete(s.plate);
      this.interceptions.set(s.plate, i);
      while (this.interceptions.size > (this.o.maxInterceptions ?? 10_000)) this.interceptions.delete(this.interceptions.keys().next().value!);
      this.o.log.info({ plate: s.plate, cameraId: s.cameraId, next: i.next.slice(0, 3).map((c) => c.cameraId) }, 'predict: interception for a hotlisted plate');
    }
    return i;
  }

  /** The prediction from the plate's current trip as the model holds it (its last two cameras). */
  intercept(plate: string): Interception | null {
    const m = this.model;
    const p = m.plateId(plate, false);
    if (p < 0 || m.lastCam.a[p]! < 0) return null;
    const cur = m.lastCam.a[p]!;
    const ts = m.lastTs.a[p]!;
    const e = m.lastEdge.a[p]!;
    return this.predictTrip(plate, e >= 0 ? [{ camera: m.eFrom.a[e]!, ts: ts - 1 }, { camera: cur, ts }] : [{ camera: cur, ts }], this.o.top ?? 5);
  }

  /** The prediction for a trip (model camera indices, oldest first), with absolute time windows. */
  predictTrip(plate: string | null, trip: TripSighting[], top: number): Interception {
    const m = this.model;
    const p = plate === null ? -1 : m.plateId(plate, false);
    const { camera: cur, ts } = trip[trip.length - 1]!;
    const r = this.predictor.predict(p, trip, { top, method: 'model', steps: 3 });
    const timed = (c: Candidate): TimedCamera => ({
      cameraId: m.cameraIds[c.camera]!,
      lat: m.lat.a[c.camera]!,
      lon: m.lon.a[c.camera]!,
      p: c.p,
      atMs: Math.round(ts + c.etaS * 1000),
      fromMs: Math.round(ts + c.loS * 1000),
      toMs: Math.round(ts + c.hiS * 1000),
    });
    return { plate: plate ?? '', cameraId: m.cameraIds[cur]!, seenAt: ts, next: r.candidates.map(timed), ahead: r.ahead.map((s) => ({ step: s.step, cameras: s.candidates.map(timed) })) };
  }

  latest(plate: string): Interception | undefined {
    return this.interceptions.get(plate);
  }
}

export interface ResponseUnit {
  lat: number;
  lon: number;
  /** Average speed over the road network, m/s. */
  speedMps: number;
  /** Road distance ÷ straight-line distance (default 1.3). */
  detour?: number;
}

export interface InterceptPlace extends TimedCamera {
  step: number;
  unitArrivalMs: number;
  /** Seconds the unit is there before the target's earliest likely arrival. */
  marginS: number;
}

/**
 * The places a response unit reaches before the target: predicted cameras (1–3 steps ahead)
 * whose earliest likely target time (10 % quantile) is after the unit's arrival, ranked by the
 * chance the target passes there.
 */
export function reachablePlaces(i: Interception, unit: ResponseUnit, nowMs: number): InterceptPlace[] {
  const out = new Map<string, InterceptPlace>();
  const steps = [{ step: 1, cameras: i.next }, ...i.ahead];
  for (const s of steps) {
    for (const c of s.cameras) {
      const unitArrivalMs = nowMs + ((haversineM(unit.lat, unit.lon, c.lat, c.lon) * (unit.detour ?? 1.3)) / unit.speedMps) * 1000;
      if (unitArrivalMs > c.fromMs) continue;
      const prev = out.get(c.cameraId);
      const place = { ...c, step: s.step, unitArrivalMs: Math.round(unitArrivalMs), marginS: Math.round((c.fromMs - unitArrivalMs) / 100) / 10 };
      if (!prev) out.set(c.cameraId, place);
      else if (place.p > prev.p) out.set(c.cameraId, { ...place, p: place.p });
    }
  }
  return [...out.values()].sort((a, b) => b.p - a.p || b.marginS - a.marginS);
}
