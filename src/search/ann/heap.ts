/**
 * A binary heap of (id, score) pairs on typed arrays (no object per entry: the HNSW search pushes
 * millions). `max` = the top is the largest score, otherwise the smallest.
 */
export class ScoreHeap {
  private ids: Int32Array;
  private scores: Float32Array;
  size = 0;

  constructor(private readonly max: boolean, capacity = 64) {
    this.ids = new Int32Array(capacity);
    this.scores = new Float32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  topId(): number {
    return this.ids[0]!;
  }

  topScore(): number {
    return this.scores[0]!;
  }

  private above(a: number, b: number): boolean {
    return this.max ? this.scores[a]! > this.scores[b]! : this.scores[a]! < this.scores[b]!;
  }

  private swap(a: number, b: number): void {
    const i = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = i;
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
  }

  push(id: number, score: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      const scores = new Float32Array(this.size * 2);
      scores.set(this.scores);
      this.ids = ids;
      this.scores = scores;
    }
    let i = this.size++;
    this.ids[i] = id;
    this.scores[i] = score;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): number {
    const top = this.ids[0]!;
    this.size--;
    if (this.size > 0) {
      this.ids[0] = this.ids[this.size]!;
      this.scores[0] = this.scores[this.size]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && this.above(l, m)) m = l;
        if (r < this.size && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  /** Entries in heap order (not sorted). */
  entries(): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! });
    return out;
  }
}
