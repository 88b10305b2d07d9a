/**
 * Wall-clock placement of one ffmpeg run's segments (docs/design/recording.md, "Time").
 *
 * The run is anchored to OUR clock: anchor = wall time − stream time, observed from ffmpeg's
 * progress reports and the first segment-list line, taking the smallest (least delayed) value seen
 * before the first segment is placed; then it is frozen. A segment starts at anchor + its
 * list start and ends at anchor + its list end, so consecutive segments of a run abut exactly.
 * If the stream time jumps (camera clock, timestamp reset) so that a segment would end far from
 * now, the run is re-anchored: the segment follows the previous one and ends at its measured length.
 */
export interface Placed {
  startMs: number;
  endMs: number;
  reanchored: boolean;
}

export class RunTimeline {
  private anchor: number | null = null;
  private frozen = false;
  /** End of the last segment placed in this run (null before the first). */
  lastEndMs: number | null = null;
  placed = 0;

  constructor(
    readonly startedAt: number,
    private readonly jumpToleranceMs: number,
  ) {}

  get anchorMs(): number | null {
    return this.anchor;
  }

  /** ffmpeg had muxed `streamMs` of stream time at wall time `wallMs`. */
  observe(wallMs: number, streamMs: number): void {
    if (this.frozen || streamMs <= 0) return;
    const a = wallMs - streamMs;
    this.anchor = this.anchor === null ? a : Math.min(this.anchor, a);
  }

  /** A segment the muxer closed: list times in seconds, `measuredMs` from the file itself. */
  place(startSec: number, endSec: number, wallMs: number, measuredMs: number): Placed {
    if (!this.frozen) {
      this.observe(wallMs, Math.round(endSec * 1000));
      if (this.anchor === null) this.anchor = wallMs - Math.round(endSec * 1000);
      this.frozen = true;
    }
    let startMs = this.anchor! + Math.round(startSec * 1000);
    let endMs = this.anchor! + Math.round(endSec * 1000);
    // The list's times come from packet timestamps; trust the file when the two disagree by > 1 s.
    if (measuredMs > 0 && Math.abs(endMs - startMs - measuredMs) > 1000) endMs = startMs + measuredMs;
    let reanchored = false;
    if (Math.abs(endMs - wallMs) > this.jumpToleranceMs) {
      const len = measuredMs > 0 ? measuredMs : Math.max(1, endMs - startMs);
      startMs = this.lastEndMs ?? wallMs - len;
      endMs = startMs + len;
      this.anchor = endMs - Math.round(endSec * 1000);
      reanchored = true;
    } else if (this.lastEndMs !== null && startMs < this.lastEndMs) {
      startMs = this.lastEndMs; // never overlap the previous segment of the run
      endMs = Math.max(endMs, startMs + 1);
    }
    this.lastEndMs = endMs;
    this.placed++;
    return { startMs, endMs, reanchored };
  }

  /**
   * A segment ffmpeg never listed (killed, crashed): it follows the run's last segment, or starts
   * at the run's anchor; without either, it ends at the file's last write.
   */
  placeUnlisted(measuredMs: number, mtimeMs: number): Placed {
    const startMs = this.lastEndMs ?? this.anchor ?? Math.round(mtimeMs) - measuredMs;
    const endMs = startMs + Math.max(1, measuredMs);
    this.lastEndMs = endMs;
    this.placed++;
    return { startMs, endMs, reanchored: false };
  }
}
