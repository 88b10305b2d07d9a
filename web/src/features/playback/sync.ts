/**
 * Several cameras played back in step on one wall clock. The master is the camera whose recording
 * holds the current time; the others follow it: each is seeked to the master's wall-clock time
 * when it drifts more than DRIFT_MS, and paused (shown as "no recording") while it has nothing at
 * that time. Play, pause, speed and seeks apply to every camera.
 */
import type { VodPlayer } from './vod-player';

const DRIFT_MS = 600;

export interface SyncState {
  clockMs: number | null;
  playing: boolean;
  rate: number;
  /** Cameras with no recording at the clock. */
  uncovered: string[];
}

export class SyncGroup {
  private readonly members = new Map<string, VodPlayer>();
  private masterId: string | null = null;
  /** The requested start, while the group may still re-place itself as cameras become ready. */
  private pending: number | null;
  private placedAt: number | null = null;
  private playing = true;
  private rate = 1;
  private uncovered = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    startMs: number,
    private readonly onChange: (s: SyncState) => void,
  ) {
    this.pending = startMs;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 400);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  add(id: string, p: VodPlayer): void {
    this.members.set(id, p);
  }

  remove(id: string): void {
    this.members.delete(id);
    this.uncovered.delete(id);
    if (this.masterId === id) this.masterId = null;
  }

  /**
   * A member's playlist is loaded. Until the user moves, the group (re)starts at the requested
   * time, or the first recorded moment after it of any camera ready so far; later, a new member
   * joins at the group's time.
   */
  ready(id: string): void {
    const p = this.members.get(id);
    if (!p) return;
    if (this.pending !== null) {
      this.seek(this.pending, false);
      return;
    }
    const clock = this.clock();
    if (clock !== null) this.place(id, p, clock);
    this.emit();
  }

  play(): void {
    this.playing = true;
    for (const [id, p] of this.members) if (!this.uncovered.has(id)) this.resume(p);
    this.emit();
  }

  pause(): void {
    this.playing = false;
    for (const p of this.members.values()) p.video.pause();
    this.emit();
  }

  setRate(rate: number): void {
    this.rate = rate;
    for (const p of this.members.values()) p.video.playbackRate = rate;
    this.emit();
  }

  /** Every camera to wall-clock `ms`; when none recorded then, to the next recorded moment of any. */
  seek(ms: number, byUser = true): void {
    if (byUser) this.pending = null;
    const ready = [...this.members].filter(([, p]) => p.ready);
    let target = ms;
    if (!ready.some(([, p]) => p.covers(ms))) {
      const next = ready.map(([, p]) => p.nextRecordedAfter(ms)).filter((x): x is number => x !== null);
      if (next.length === 0) return;
      target = Math.min(...next);
    }
    this.masterId = ready.find(([, p]) => p.covers(target))?.[0] ?? null;
    this.placedAt = target;
    for (const [id, p] of ready) this.place(id, p, target);
    this.emit(target);
  }

  private clock(): number | null {
    const m = this.masterId ? this.members.get(this.masterId) : undefined;
    return m?.ready ? m.wallNow() : null;
  }

  private place(id: string, p: VodPlayer, ms: number): void {
    p.video.playbackRate = this.rate;
    if (p.seekToWall(ms)) {
      this.uncovered.delete(id);
      if (this.playing) this.resume(p);
    } else {
      this.uncovered.add(id);
      p.video.pause();
    }
  }

  private resume(p: VodPlayer): void {
    p.video.play().catch((err: unknown) => console.warn('Playback did not start', err));
  }

  private tick(): void {
    const clock = this.clock();
    if (clock === null) return;
    if (this.pending !== null && this.placedAt !== null && clock - this.placedAt > 2000) this.pending = null; // under way: stay
    for (const [id, p] of this.members) {
      if (id === this.masterId || !p.ready) continue;
      if (!p.covers(clock)) {
        if (!this.uncovered.has(id)) p.video.pause();
        this.uncovered.add(id);
        continue;
      }
      const wall = p.wallNow();
      if (this.uncovered.has(id) || wall === null || Math.abs(wall - clock) > DRIFT_MS) this.place(id, p, clock);
    }
    this.emit(clock);
  }

  private emit(clock: number | null = this.clock()): void {
    this.onChange({ clockMs: clock ?? this.pending, playing: this.playing, rate: this.rate, uncovered: [...this.uncovered] });
  }
}
