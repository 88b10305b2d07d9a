import type { Logger } from '../core/logger';
import type { MediaTools } from '../media/ffmpeg';
import { LiveStream, type LiveStreamSettings, type LiveStreamSpec, type LiveViewer } from './live-stream';

export const LIVE_DEFAULTS = {
  lingerMs: 5_000,
  maxViewerBufferBytes: 4 * 1024 * 1024,
  maxGopBytes: 16 * 1024 * 1024,
  stallTimeoutMs: 15_000,
  restartInitialDelayMs: 1_000,
  restartMaxDelayMs: 30_000,
  /** ffmpeg -frag_duration: a fragment every 250 ms (and at every keyframe). */
  fragmentMs: 250,
};

export type LiveHubOptions = Partial<Omit<LiveStreamSettings, 'tools' | 'log'>> & { tools: MediaTools; log: Logger };

/**
 * The running live streams of this process, one per (camera, stream, variant): viewers of the
 * same camera share one ffmpeg. Only the API role holds a hub.
 */
export class LiveHub {
  private readonly streams = new Map<string, LiveStream>();
  private readonly settings: LiveStreamSettings;
  private closed = false;

  constructor(opts: LiveHubOptions) {
    this.settings = { ...LIVE_DEFAULTS, ...opts };
  }

  /** Joins (or starts) the stream `spec.key` as `viewer`; returns the function to leave. */
  attach(spec: LiveStreamSpec, viewer: LiveViewer): () => void {
    if (this.closed) throw new Error('live hub is closed');
    let s = this.streams.get(spec.key);
    if (!s) {
      const created = new LiveStream(spec, this.settings, () => {
        if (this.streams.get(spec.key) === created) this.streams.delete(spec.key);
      });
      this.streams.set(spec.key, created);
      s = created;
    }
    return s.attach(viewer);
  }

  /** The init segment and current GOP of a running stream of this camera (main preferred), for snapshots. */
  current(cameraId: string): ReturnType<LiveStream['current']> {
    const candidates = [...this.streams.values()].filter((s) => s.spec.cameraId === cameraId && !s.spec.transcoded);
    candidates.sort((a, b) => (a.spec.stream === 'main' ? -1 : 1) - (b.spec.stream === 'main' ? -1 : 1));
    for (const s of candidates) {
      const c = s.current();
      if (c) return c;
    }
    return undefined;
  }

  stats(): Array<{ key: string; cameraId: string; viewers: number; running: boolean }> {
    return [...this.streams.values()].map((s) => ({ key: s.spec.key, cameraId: s.spec.cameraId, viewers: s.viewerCount, running: s.running }));
  }

  close(): void {
    this.closed = true;
    for (const s of [...this.streams.values()]) s.stop();
    this.streams.clear();
  }
}
