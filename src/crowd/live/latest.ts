/**
 * Latest-wins hand-off between a sampler and a slow consumer: a frame that arrives while the previous
 * one is still being counted waits (replacing any older waiting frame) instead of being dropped, so
 * when a count overruns the sampling interval the next count starts on the newest frame at once rather
 * than at the next sample (up to one interval later). At most one frame waits; replaced frames are counted.
 */
export class LatestWins<F> {
  private waiting: F | null = null;
  private running = false;
  superseded = 0;

  constructor(private readonly work: (f: F) => Promise<void>) {}

  /** Never blocks the caller (the sampler must not see it busy, or it would drop the frame itself). */
  offer(f: F): void {
    if (this.waiting !== null) this.superseded++;
    this.waiting = f;
    if (!this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting !== null) {
        const f = this.waiting;
        this.waiting = null;
        await this.work(f);
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves once nothing is waiting or running. */
  async drain(): Promise<void> {
    while (this.running || this.waiting !== null) await new Promise((r) => setTimeout(r, 10));
  }
}
