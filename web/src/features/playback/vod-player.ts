/**
 * One camera's recordings in a <video> through hls.js, playing the server's VOD playlist. The
 * playlist carries EXT-X-PROGRAM-DATE-TIME, so every media time maps to a wall-clock time (and
 * back), which is what the timeline and the multi-camera sync work in. hls.js is loaded on demand.
 */
import type Hls from 'hls.js';
import type { Fragment } from 'hls.js';

export interface VodError {
  /** HTTP status of a failed request (0 = network / media). */
  status: number;
  code: string;
  message: string;
}

export interface VodPlayerOptions {
  url: string;
  onReady(): void;
  onError(e: VodError): void;
}

function parseServerError(xhr: unknown, status: number): VodError {
  const text = typeof xhr === 'object' && xhr !== null && 'responseText' in xhr ? String((xhr as { responseText: unknown }).responseText ?? '') : '';
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) return { status, code: body.error.code, message: body.error.message ?? '' };
  } catch (err) {
    console.warn('Playlist error answer is not JSON', err);
  }
  return { status, code: `http_${status}`, message: `HTTP ${status}` };
}

export class VodPlayer {
  private hls: Hls | null = null;
  private frags: Fragment[] = [];
  private destroyed = false;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly o: VodPlayerOptions,
  ) {}

  get ready(): boolean {
    return this.frags.length > 0;
  }

  async start(): Promise<void> {
    const { default: HlsClass } = await import('hls.js');
    if (this.destroyed) return;
    if (!HlsClass.isSupported()) {
      this.o.onError({ status: 0, code: 'no_mse', message: 'Media Source Extensions are not available' });
      return;
    }
    const hls = new HlsClass({ maxBufferLength: 30, backBufferLength: 30, startFragPrefetch: true });
    this.hls = hls;
    hls.on(HlsClass.Events.LEVEL_LOADED, (_e, data) => {
      this.frags = data.details.fragments;
      this.o.onReady();
    });
    hls.on(HlsClass.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR) {
        console.warn('Recoverable media error in playback; recovering', data.details);
        hls.recoverMediaError();
        return;
      }
      const status = data.response?.code ?? 0;
      this.o.onError(status ? parseServerError(data.networkDetails, status) : { status: 0, code: data.details, message: data.error?.message ?? data.details });
    });
    hls.loadSource(this.o.url);
    hls.attachMedia(this.video);
  }

  destroy(): void {
    this.destroyed = true;
    this.hls?.destroy();
    this.hls = null;
  }

  /** Wall-clock ms shown at the current position (null before the playlist is known). */
  wallNow(): number | null {
    return this.wallAt(this.video.currentTime);
  }

  wallAt(t: number): number | null {
    if (this.frags.length === 0) return null;
    const f = this.frags.find((x) => t >= x.start && t < x.start + x.duration) ?? (t < this.frags[0]!.start ? this.frags[0]! : this.frags[this.frags.length - 1]!);
    if (f.programDateTime === null) return null;
    return f.programDateTime + Math.max(0, Math.min(t - f.start, f.duration)) * 1000;
  }

  /** Does the recording hold wall-clock time `ms`? */
  covers(ms: number): boolean {
    return this.fragmentAt(ms) !== undefined;
  }

  /** Seeks to wall-clock `ms`; false when nothing is recorded then (the position is left alone). */
  seekToWall(ms: number): boolean {
    const f = this.fragmentAt(ms);
    if (!f) return false;
    this.video.currentTime = f.start + (ms - f.programDateTime!) / 1000;
    return true;
  }

  /** Wall-clock time of the first recording after `ms` (to skip a hole), or null. */
  nextRecordedAfter(ms: number): number | null {
    const f = this.frags.find((x) => x.programDateTime !== null && x.programDateTime > ms);
    return f?.programDateTime ?? null;
  }

  private fragmentAt(ms: number): Fragment | undefined {
    return this.frags.find((x) => x.programDateTime !== null && ms >= x.programDateTime && ms < x.programDateTime + x.duration * 1000);
  }
}
