import { haversineM } from './geo';
import { F32Col, F64Col, I32Col, SlotPool, U32Col } from './tables';

/**
 * The movement model: camera-to-camera transitions learned from plate sightings.
 *
 * Per plate it keeps only the last sighting (camera, time, the edge that led there); a sighting
 * within `tripGapS` of the last one is a transition of the same trip. Per transition it updates:
 * - first order (a→b): counts per time bucket (5 times of day × weekday/weekend) and in total;
 *   travel time as a log-normal (Welford mean/M2 of ln seconds) per bucket and in total;
 * - second order ((p→a)→b): counts;
 * - the plate's habits: next cameras after a (by half day) and after (p→a), in 4-wide slots;
 * - the plate's speed: mean ln ratio of its travel times to the population's.
 * Everything lives in typed columns indexed by integer ids; maps only translate keys to ids.
 * `addSighting` is the whole training step, so batch training is incremental training in time order.
 */
export const BUCKETS = 10;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Bits of the packed map keys (all keys stay below 2^53). */
const CAM_BITS = 2 ** 26;
const EDGE_BITS = 2 ** 27;

export interface ModelOptions {
  /** A gap longer than this between two sightings of a plate starts a new trip. */
  tripGapS: number;
  /** Local time offset for the time-of-day buckets (Hong Kong: +480). */
  tzOffsetMin: number;
}
export const DEFAULT_MODEL_OPTIONS: ModelOptions = { tripGapS: 900, tzOffsetMin: 480 };

export type AddResult = 'transition' | 'trip_start' | 'duplicate' | 'out_of_order' | 'unknown_camera';

export class MovementModel {
  readonly opts: ModelOptions;
  // Cameras.
  readonly cameraIds: string[] = [];
  readonly cameraIndex = new Map<string, number>();
  readonly lat = new F64Col(1024);
  readonly lon = new F64Col(1024);
  // Plates: the last sighting and speed.
  readonly plateIndex = new Map<string, number>();
  readonly lastCam = new I32Col(1024);
  readonly lastEdge = new I32Col(1024);
  readonly lastTs = new F64Col(1024);
  readonly speedSum = new F32Col(1024);
  readonly speedN = new U32Col(1024);
  // First-order edges a→b with per-camera linked lists of outgoing edges.
  readonly edgeKey = new Map<number, number>();
  edges = 0;
  readonly eFrom = new U32Col();
  readonly eTo = new U32Col();
  readonly eNext = new I32Col();
  readonly outHead = new I32Col();
  readonly eTotal = new U32Col();
  readonly eBucket = new U32Col();
  readonly outTotal = new U32Col();
  readonly outBucket = new U32Col();
  readonly tN = new U32Col();
  readonly tMean = new F32Col();
  readonly tM2 = new F32Col();
  readonly tNAll = new U32Col();
  readonly tMeanAll = new F32Col();
  readonly tM2All = new F32Col();
  // Second order (edge p→a)→b, linked per edge.
  readonly triKey = new Map<number, number>();
  triples = 0;
  readonly triTo = new U32Col();
  readonly triCount = new U32Col();
  readonly triNext = new I32Col();
  readonly triHead = new I32Col();
  readonly e2Out = new U32Col();
  // Habits.
  readonly habit1 = new Map<number, number>();
  readonly habit2 = new Map<number, number>();
  readonly pool1 = new SlotPool();
  readonly pool2 = new SlotPool();
  // Counters.
  /** Changes whenever a camera is added or moved (spatial indexes rebuild on it). */
  cameraVersion = 0;
  sightings = 0;
  transitions = 0;
  private derivedAt = -1;
  private sPerM = 0.125;

  constructor(opts: Partial<ModelOptions> = {}) {
    this.opts = { ...DEFAULT_MODEL_OPTIONS, ...opts };
  }

  addCamera(id: string, lat: number, lon: number): number {
    this.cameraVersion++;
    const known = this.cameraIndex.get(id);
    if (known !== undefined) {
      this.lat.a[known] = lat;
      this.lon.a[known] = lon;
      return known;
    }
    const c = this.cameraIds.length;
    if (c >= CAM_BITS) throw new RangeError(`movement model: more than ${CAM_BITS} cameras`);
    this.cameraIds.push(id);
    this.cameraIndex.set(id, c);
    this.lat.ensure(c + 1);
    this.lon.ensure(c + 1);
    this.lat.a[c] = lat;
    this.lon.a[c] = lon;
    this.outHead.ensure(c + 1);
    this.outTotal.ensure(c + 1);
    this.outBucket.ensure((c + 1) * BUCKETS);
    return c;
  }

  plateId(plate: string, create: boolean): number {
    const known = this.plateIndex.get(plate);
    if (known !== undefined || !create) return known ?? -1;
    const p = this.plateIndex.size;
    if (p >= CAM_BITS) throw new RangeError(`movement model: more than ${CAM_BITS} plates`);
    this.plateIndex.set(plate, p);
    for (const col of [this.lastCam, this.lastEdge, this.lastTs, this.speedSum, this.speedN]) col.ensure(p + 1);
    this.lastCam.a[p] = -1;
    this.lastEdge.a[p] = -1;
    return p;
  }

  addSighting(plate: string, camera: string, ts: number): AddResult {
    const c = this.cameraIndex.get(camera);
    if (c === undefined) return 'unknown_camera';
    return this.addSightingIds(this.plateId(plate, true), c, ts);
  }

  /** The training step. Sightings of one plate must come in time order (older ones are refused). */
  addSightingIds(p: number, c: number, ts: number): AddResult {
    this.sightings++;
    const last = this.lastCam.a[p]!;
    if (last >= 0) {
      const dtMs = ts - this.lastTs.a[p]!;
      if (dtMs < 0) return 'out_of_order';
      if (dtMs <= this.opts.tripGapS * 1000) {
        // The same camera again within a trip: a repeated read (or waiting in front of it).
        if (c === last) {
          this.lastTs.a[p] = ts;
          return 'duplicate';
        }
        const e = this.record(p, this.lastEdge.a[p]!, last, c, this.lastTs.a[p]!, dtMs / 1000);
        this.lastCam.a[p] = c;
        this.lastEdge.a[p] = e;
        this.lastTs.a[p] = ts;
        return 'transition';
      }
    }
    this.lastCam.a[p] = c;
    this.lastEdge.a[p] = -1;
    this.lastTs.a[p] = ts;
    return 'trip_start';
  }

  edgeOf(a: number, b: number): number {
    return this.edgeKey.get(a * EDGE_BITS + b) ?? -1;
  }

  tripleOf(e: number, b: number): number {
    return this.triKey.get(e * CAM_BITS + b) ?? -1;
  }

  habitSlot1(p: number, a: number, half: number): number {
    return this.habit1.get(p * EDGE_BITS + a * 2 + half) ?? -1;
  }

  habitSlot2(p: number, e: number): number {
    return this.habit2.get(p * EDGE_BITS + e) ?? -1;
  }

  bucket(ts: number): number {
    const local = ts + this.opts.tzOffsetMin * 60_000;
    const day = Math.floor(local / DAY);
    const hour = Math.floor((local - day * DAY) / HOUR);
    const dow = (((day + 4) % 7) + 7) % 7;
    const tod = hour < 6 ? 0 : hour < 10 ? 1 : hour < 16 ? 2 : hour < 20 ? 3 : 4;
    return (dow === 0 || dow === 6 ? 5 : 0) + tod;
  }

  halfDay(ts: number): number {
    const local = ts + this.opts.tzOffsetMin * 60_000;
    return local - Math.floor(local / DAY) * DAY < 13 * HOUR ? 0 : 1;
  }

  /** The plate's travel-time factor (ln), shrunk towards 0 until it has many transitions. */
  speedLn(p: number): number {
    if (p < 0) return 0;
    return this.speedSum.a[p]! / (this.speedN.a[p]! + 5);
  }

  /** Straight-line seconds per metre learned from the edges (for cameras never seen as a transition). */
  secondsPerMetre(): number {
    // Recomputed after every 1 % growth of the transitions, not at every prediction.
    if (this.derivedAt >= 0 && this.transitions < this.derivedAt * 1.01 + 100) return this.sPerM;
    this.derivedAt = this.transitions;
    const ratios: number[] = [];
    for (let e = 0; e < this.edges; e++) {
      if (this.tNAll.a[e]! < 3) continue;
      const d = this.distanceM(this.eFrom.a[e]!, this.eTo.a[e]!);
      if (d > 50) ratios.push(Math.exp(this.tMeanAll.a[e]!) / d);
    }
    if (ratios.length) {
      ratios.sort((x, y) => x - y);
      this.sPerM = ratios[ratios.length >> 1]!;
    }
    return this.sPerM;
  }

  distanceM(a: number, b: number): number {
    return haversineM(this.lat.a[a]!, this.lon.a[a]!, this.lat.a[b]!, this.lon.a[b]!);
  }

  /** Bytes held by the typed columns; maps are estimated at ~48 bytes an entry (V8, number keys). */
  memoryBytes(): { columns: number; maps: number } {
    let columns = this.pool1.bytes() + this.pool2.bytes();
    for (const v of Object.values(this)) if (v && typeof v === 'object' && 'a' in v && ArrayBuffer.isView((v as { a: unknown }).a)) columns += (v as { a: ArrayBufferView }).a.byteLength;
    const entries = this.edgeKey.size + this.triKey.size + this.habit1.size + this.habit2.size + this.plateIndex.size + this.cameraIndex.size;
    return { columns, maps: entries * 48 };
  }

  private record(p: number, prevEdge: number, a: number, b: number, fromTs: number, dtS: number): number {
    this.transitions++;
    const bk = this.bucket(fromTs);
    const e = this.edge(a, b);
    this.eTotal.a[e]!++;
    this.eBucket.a[e * BUCKETS + bk]!++;
    this.outTotal.a[a]!++;
    this.outBucket.a[a * BUCKETS + bk]!++;
    const x = Math.log(Math.max(dtS, 1));
    // A stop inside the trip (a long dwell) would spoil the travel-time fit: keep the count, skip the time.
    const nAll = this.tNAll.a[e]!;
    const sd = nAll >= 2 ? Math.sqrt(this.tM2All.a[e]! / (nAll - 1)) : 0;
    const outlier = nAll >= 8 && Math.abs(x - this.tMeanAll.a[e]!) > Math.max(4 * sd, 0.7);
    if (!outlier) {
      welford(this.tN.a, this.tMean.a, this.tM2.a, e * BUCKETS + bk, x);
      if (nAll >= 5) {
        this.speedSum.a[p]! += Math.max(-0.7, Math.min(0.7, x - this.tMeanAll.a[e]!));
        this.speedN.a[p]!++;
      }
      welford(this.tNAll.a, this.tMeanAll.a, this.tM2All.a, e, x);
    }
    this.pool1.add(this.slot(this.habit1, this.pool1, p * EDGE_BITS + a * 2 + this.halfDay(fromTs)), b);
    if (prevEdge >= 0) {
      const t = this.triple(prevEdge, b);
      this.triCount.a[t]!++;
      this.e2Out.a[prevEdge]!++;
      this.pool2.add(this.slot(this.habit2, this.pool2, p * EDGE_BITS + prevEdge), b);
    }
    return e;
  }

  private edge(a: number, b: number): number {
    const key = a * EDGE_BITS + b;
    const known = this.edgeKey.get(key);
    if (known !== undefined) return known;
    const e = this.edges++;
    if (e >= EDGE_BITS) throw new RangeError(`movement model: more than ${EDGE_BITS} camera pairs`);
    this.edgeKey.set(key, e);
    const n = e + 1;
    for (const col of [this.eFrom, this.eTo, this.eTotal, this.tNAll, this.e2Out]) col.ensure(n);
    for (const col of [this.eNext, this.triHead]) col.ensure(n);
    this.tMeanAll.ensure(n);
    this.tM2All.ensure(n);
    this.eBucket.ensure(n * BUCKETS);
    this.tN.ensure(n * BUCKETS);
    this.tMean.ensure(n * BUCKETS);
    this.tM2.ensure(n * BUCKETS);
    this.eFrom.a[e] = a;
    this.eTo.a[e] = b;
    this.eNext.a[e] = this.outHead.a[a]!;
    this.outHead.a[a] = e;
    return e;
  }

  private triple(e: number, b: number): number {
    const key = e * CAM_BITS + b;
    const known = this.triKey.get(key);
    if (known !== undefined) return known;
    const t = this.triples++;
    this.triKey.set(key, t);
    for (const col of [this.triTo, this.triCount]) col.ensure(t + 1);
    this.triNext.ensure(t + 1);
    this.triTo.a[t] = b;
    this.triNext.a[t] = this.triHead.a[e]!;
    this.triHead.a[e] = t;
    return t;
  }

  private slot(map: Map<number, number>, pool: SlotPool, key: number): number {
    let s = map.get(key);
    if (s === undefined) {
      s = pool.alloc();
      map.set(key, s);
    }
    return s;
  }
}

function welford(n: Uint32Array, mean: Float32Array, m2: Float32Array, i: number, x: number): void {
  const k = ++n[i]!;
  const d = x - mean[i]!;
  mean[i]! += d / k;
  m2[i]! += d * (x - mean[i]!);
}
