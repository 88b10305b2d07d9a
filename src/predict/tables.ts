/**
 * Growable typed columns and a fixed-width "top next cameras" slot pool — the compact storage of
 * the movement model (no object per edge, per triple or per habit).
 */
export class U32Col {
  a: Uint32Array;
  constructor(cap = 1024) {
    this.a = new Uint32Array(cap);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Uint32Array(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}

export class I32Col {
  a: Int32Array;
  constructor(cap = 1024, private readonly fill = -1) {
    this.a = new Int32Array(cap).fill(fill);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Int32Array(Math.max(n, this.a.length * 2)).fill(this.fill);
    b.set(this.a);
    this.a = b;
  }
}

export class F32Col {
  a: Float32Array;
  constructor(cap = 1024) {
    this.a = new Float32Array(cap);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Float32Array(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}

export class F64Col {
  a: Float64Array;
  constructor(cap = 1024, private readonly fill = 0) {
    this.a = new Float64Array(cap).fill(fill);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Float64Array(Math.max(n, this.a.length * 2)).fill(this.fill);
    b.set(this.a);
    this.a = b;
  }
}

/**
 * Slots of up to WIDTH (next camera, count) pairs: a vehicle's habit in one context. When a slot
 * is full, a new next camera replaces the rarest one (a vehicle has few routes from one place;
 * the rare ones matter least).
 */
export class SlotPool {
  static readonly WIDTH = 4;
  readonly next = new I32Col(4096);
  readonly count = new U32Col(4096);
  readonly total = new U32Col(1024);
  size = 0;

  alloc(): number {
    const s = this.size++;
    this.total.ensure(this.size);
    this.next.ensure(this.size * SlotPool.WIDTH);
    this.count.ensure(this.size * SlotPool.WIDTH);
    return s;
  }

  add(slot: number, cam: number): void {
    const W = SlotPool.WIDTH;
    const base = slot * W;
    const next = this.next.a;
    const count = this.count.a;
    this.total.a[slot]!++;
    let rarest = base;
    for (let i = base; i < base + W; i++) {
      if (next[i] === cam) {
        count[i]!++;
        return;
      }
      if (next[i] === -1) {
        next[i] = cam;
        count[i] = 1;
        return;
      }
      if (count[i]! < count[rarest]!) rarest = i;
    }
    next[rarest] = cam;
    count[rarest] = 1;
  }

  bytes(): number {
    return this.next.a.byteLength + this.count.a.byteLength + this.total.a.byteLength;
  }
}
