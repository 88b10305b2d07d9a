/**
 * 'auto': the detector while the scene is sparse, the density model once it is dense, with hysteresis so a
 * count hovering at the boundary does not flip the method every frame. The detector's count under-reads dense
 * crowds (occlusion), so the switch-up point is on its scale: when it sees `denseAbove` people the same frame
 * is recounted by the density model at once, and later frames stay on it until its count falls to
 * `sparseBelow`. Without a density model it is the detector, always.
 */
import { ValidationError } from '../../core/errors';
import type { CountFrame, CountResult, CrowdCounter } from './index';

export interface AutoOptions {
  /** Detector count at or above which the density model takes over (default 40). */
  denseAbove?: number;
  /** Density count at or below which the detector takes over again (default 25; must be below denseAbove). */
  sparseBelow?: number;
}

export const AUTO_DENSE_ABOVE = 40;
export const AUTO_SPARSE_BELOW = 25;

export class AutoCounter implements CrowdCounter {
  readonly kind = 'auto' as const;
  private current: 'detector' | 'density' = 'detector';
  private readonly up: number;
  private readonly down: number;

  constructor(
    private readonly detector: CrowdCounter,
    private readonly density: CrowdCounter | null,
    o: AutoOptions = {},
  ) {
    this.up = o.denseAbove ?? AUTO_DENSE_ABOVE;
    this.down = o.sparseBelow ?? AUTO_SPARSE_BELOW;
    if (!(this.up > 0 && this.down >= 0 && this.down < this.up)) throw new ValidationError(`auto.sparseBelow (${this.down}) must be ≥ 0 and below auto.denseAbove (${this.up})`);
  }

  /** The method the next frame is counted with. */
  get mode(): 'detector' | 'density' {
    return this.current;
  }

  async count(frame: CountFrame, signal?: AbortSignal): Promise<CountResult> {
    if (!this.density) return this.detector.count(frame, signal);
    if (this.current === 'density') {
      const r = await this.density.count(frame, signal);
      if (r.count <= this.down) this.current = 'detector';
      return r;
    }
    const r = await this.detector.count(frame, signal);
    if (r.count < this.up) return r;
    this.current = 'density';
    const d = await this.density.count(frame, signal);
    return { ...d, tiles: d.tiles + r.tiles, ms: d.ms + r.ms };
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.close(), this.density?.close()]);
  }
}
