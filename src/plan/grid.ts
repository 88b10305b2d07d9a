/** A uniform grid over local planar coordinates (metres): point buckets for "what is near here". */
const OFFSET = 1 << 20;
const cellKey = (cx: number, cy: number): number => (cx + OFFSET) * 2 ** 21 + (cy + OFFSET);

export class PointGrid {
  private readonly cells = new Map<number, number[]>();
  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    readonly cellM: number,
  ) {
    for (let i = 0; i < xs.length; i++) {
      const k = cellKey(Math.floor(xs[i]! / cellM), Math.floor(ys[i]! / cellM));
      const c = this.cells.get(k);
      if (c) c.push(i);
      else this.cells.set(k, [i]);
    }
  }

  /** Calls fn with every point index whose cell lies within r of (x, y) (a superset of the disc). */
  forEachNear(x: number, y: number, r: number, fn: (i: number) => void): void {
    const x0 = Math.floor((x - r) / this.cellM);
    const x1 = Math.floor((x + r) / this.cellM);
    const y0 = Math.floor((y - r) / this.cellM);
    const y1 = Math.floor((y + r) / this.cellM);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const c = this.cells.get(cellKey(cx, cy));
        if (c) for (const i of c) fn(i);
      }
    }
  }
}

/** Items with bounding boxes, bucketed by every cell their box touches. */
export class BoxGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly stamp: Int32Array;
  private tick = 0;
  constructor(
    boxes: ReadonlyArray<readonly [number, number, number, number]>,
    readonly cellM: number,
  ) {
    this.stamp = new Int32Array(boxes.length);
    boxes.forEach(([minX, minY, maxX, maxY], i) => {
      for (let cx = Math.floor(minX / cellM); cx <= Math.floor(maxX / cellM); cx++) {
        for (let cy = Math.floor(minY / cellM); cy <= Math.floor(maxY / cellM); cy++) {
          const k = cellKey(cx, cy);
          const c = this.cells.get(k);
          if (c) c.push(i);
          else this.cells.set(k, [i]);
        }
      }
    });
  }

  /** Every item whose box shares a cell with the box [minX,minY,maxX,maxY], each once. */
  query(minX: number, minY: number, maxX: number, maxY: number, fn: (i: number) => void): void {
    this.tick++;
    for (let cx = Math.floor(minX / this.cellM); cx <= Math.floor(maxX / this.cellM); cx++) {
      for (let cy = Math.floor(minY / this.cellM); cy <= Math.floor(maxY / this.cellM); cy++) {
        const c = this.cells.get(cellKey(cx, cy));
        if (!c) continue;
        for (const i of c) {
          if (this.stamp[i] === this.tick) continue;
          this.stamp[i] = this.tick;
          fn(i);
        }
      }
    }
  }
}
