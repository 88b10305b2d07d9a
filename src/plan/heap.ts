/** A binary max-heap of (key, id) on typed arrays: the lazy greedy's priority queue. */
export class MaxHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(4, capacity));
    this.ids = new Int32Array(Math.max(4, capacity));
  }

  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const d = new Int32Array(this.size * 2);
      d.set(this.ids);
      this.keys = k;
      this.ids = d;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! >= key) break;
      this.keys[i] = this.keys[p]!;
      this.ids[i] = this.ids[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  topKey(): number {
    return this.size ? this.keys[0]! : -Infinity;
  }

  topId(): number {
    return this.ids[0]!;
  }

  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    const key = this.keys[n]!;
    const id = this.ids[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.keys[c + 1]! > this.keys[c]!) c++;
      if (this.keys[c]! <= key) break;
      this.keys[i] = this.keys[c]!;
      this.ids[i] = this.ids[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }
}
