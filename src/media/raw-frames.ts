/**
 * Cuts ffmpeg's raw video output (`-f rawvideo`, fixed bytes per frame) into whole frames.
 * Bounded: it holds at most one partial frame; whole frames go straight to `onFrame`, which
 * decides whether to keep or drop them. Shared by the health sampler (grey) and the analytics
 * samplers (rgb24).
 */
export class RawFrameReader {
  /** The frame being filled: allocated when its first bytes arrive, handed over whole (one copy per byte). */
  private frame: Uint8Array | null = null;
  private filled = 0;

  constructor(
    readonly frameBytes: number,
    private readonly onFrame: (data: Uint8Array) => void,
  ) {
    if (!(frameBytes > 0)) throw new RangeError(`frame size must be positive, got ${frameBytes}`);
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const frame = (this.frame ??= new Uint8Array(this.frameBytes));
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      frame.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        this.frame = null;
        this.filled = 0;
        this.onFrame(frame);
      }
    }
  }

  /** Bytes of an incomplete frame held now (a stream that ends with some left over ended mid-frame). */
  get pendingBytes(): number {
    return this.filled;
  }

  reset(): void {
    this.frame = null;
    this.filled = 0;
  }
}
