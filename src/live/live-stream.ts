import type { ChildProcess } from 'node:child_process';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import { Fmp4Parser, mimeFor, type Fragment, type InitInfo } from './fmp4';

/** One browser connection as the stream sees it (a WebSocket in production, a fake in tests). */
export interface LiveViewer {
  send(data: Buffer | string): void;
  /** Bytes queued but not yet written to the network. */
  buffered(): number;
  close(code: number, reason: string): void;
}

export interface LiveStreamSettings {
  tools: MediaTools;
  log: Logger;
  /** Keep ffmpeg running this long after the last viewer leaves (a quick return is instant). */
  lingerMs: number;
  /** A viewer with more than this queued loses fragments until the next keyframe. */
  maxViewerBufferBytes: number;
  /** A GOP larger than this is not cached (new viewers then wait for the next keyframe). */
  maxGopBytes: number;
  /** ffmpeg that writes nothing for this long is restarted. */
  stallTimeoutMs: number;
  restartInitialDelayMs: number;
  restartMaxDelayMs: number;
}

export interface LiveStreamSpec {
  key: string;
  cameraId: string;
  stream: 'main' | 'sub';
  transcoded: boolean;
  /**
   * ffmpeg arguments, built at every (re)start so credentials and URLs are read fresh. `patient`:
   * a previous run ended before producing an init segment — probe the source longer.
   */
  args(patient: boolean): Promise<string[]>;
}

interface ViewerState {
  needKeyframe: boolean;
  sent: number;
  dropped: number;
  resyncs: number;
}

/** What a viewer receives first, as a JSON text message; binary messages follow. */
export interface InitMessage {
  type: 'init';
  codec: string;
  mime: string;
  kind: InitInfo['kind'];
  width: number | null;
  height: number | null;
  stream: 'main' | 'sub';
  transcoded: boolean;
}

/**
 * One camera stream shared by all its viewers: ONE ffmpeg remuxing to fragmented MP4, started on
 * the first viewer, stopped `lingerMs` after the last leaves, restarted with back-off when it dies
 * or stalls. Keeps the init segment and the fragments since the last keyframe (GOP cache), so a
 * new viewer gets a decodable picture at once. A slow viewer never makes memory grow: past
 * `maxViewerBufferBytes` it skips fragments and resumes at the next keyframe.
 */
export class LiveStream {
  private readonly viewers = new Map<LiveViewer, ViewerState>();
  private child: ChildProcess | null = null;
  private init: { data: Buffer; info: InitInfo } | null = null;
  private gop: Fragment[] = [];
  private gopBytes = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private lastDataAt = 0;
  private failures = 0;
  private stopped = false;
  /** Set once a run ended without an init segment (e.g. the first keyframe came after a short probe). */
  private patient = false;
  private readonly log: Logger;

  constructor(
    readonly spec: LiveStreamSpec,
    private readonly s: LiveStreamSettings,
    private readonly onStopped: () => void,
  ) {
    this.log = s.log.child({ camera: spec.cameraId, stream: spec.stream, transcoded: spec.transcoded });
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /**
   * The init segment and the cached GOP (for snapshots), with the number of frames before the last
   * one; undefined until ffmpeg has produced them.
   */
  current(): { init: Buffer; info: InitInfo; fragments: Buffer[]; framesBeforeLast: number } | undefined {
    if (!this.init || this.gop.length === 0 || !this.gop[0]!.keyframe) return undefined;
    const frames = this.gop.reduce((n, f) => n + f.samples, 0);
    return { init: this.init.data, info: this.init.info, fragments: this.gop.map((f) => f.data), framesBeforeLast: Math.max(0, frames - 1) };
  }

  /** Adds a viewer; returns the function that removes it. */
  attach(viewer: LiveViewer): () => void {
    if (this.stopped) throw new Error(`live stream ${this.spec.key} is stopped`);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    const state: ViewerState = { needKeyframe: true, sent: 0, dropped: 0, resyncs: 0 };
    this.viewers.set(viewer, state);
    if (this.init) {
      this.sendInit(viewer);
      if (this.gop.length && this.gop[0]!.keyframe) {
        for (const f of this.gop) viewer.send(f.data);
        state.sent += this.gop.length;
        state.needKeyframe = false;
      }
    } else {
      viewer.send(JSON.stringify({ type: 'status', state: 'starting' }));
    }
    if (!this.child && !this.restartTimer) void this.start();
    return () => this.detach(viewer);
  }

  /** Stops ffmpeg and closes every viewer (server shutdown). */
  stop(reason = 'server stopping'): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.lingerTimer, this.restartTimer]) if (t) clearTimeout(t);
    if (this.stallTimer) clearInterval(this.stallTimer);
    for (const v of this.viewers.keys()) v.close(1001, reason);
    this.viewers.clear();
    this.kill();
    this.onStopped();
  }

  private detach(viewer: LiveViewer): void {
    const st = this.viewers.get(viewer);
    if (!st) return;
    this.viewers.delete(viewer);
    this.log.debug({ sent: st.sent, dropped: st.dropped, resyncs: st.resyncs }, 'live viewer left');
    if (this.viewers.size === 0 && !this.stopped) {
      this.lingerTimer = setTimeout(() => this.stop('no viewers'), this.s.lingerMs);
      this.lingerTimer.unref();
    }
  }

  private async start(): Promise<void> {
    let args: string[];
    try {
      args = await this.spec.args(this.patient);
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'live stream cannot start');
      for (const v of this.viewers.keys()) {
        v.send(JSON.stringify({ type: 'error', code: 'source_unusable', message: `The camera source cannot be opened: ${errorMessage(err)}` }));
        v.close(4500, 'source unusable');
      }
      this.viewers.clear();
      this.stop('source unusable');
      return;
    }
    if (this.stopped) return;
    const child = spawnFfmpeg(this.s.tools, args, { stdout: 'pipe', log: this.log });
    this.child = child;
    this.lastDataAt = Date.now();
    const parser = new Fmp4Parser({ init: (data, info) => this.onInit(data, info), fragment: (f) => this.onFragment(f) });
    child.stdout!.on('data', (chunk: Buffer) => {
      this.lastDataAt = Date.now();
      try {
        parser.push(chunk);
      } catch (err) {
        this.log.warn({ err: errorMessage(err) }, 'live stream: unreadable fMP4 from ffmpeg; restarting');
        this.kill();
      }
    });
    child.on('error', (err) => this.log.warn({ err: err.message }, 'live ffmpeg could not run'));
    child.on('close', (code, signal) => this.onExit(child, code, signal));
    if (!this.stallTimer) {
      this.stallTimer = setInterval(() => {
        if (this.child && Date.now() - this.lastDataAt > this.s.stallTimeoutMs) {
          this.log.warn({ stalledMs: Date.now() - this.lastDataAt }, 'live ffmpeg stalled; restarting');
          this.kill();
        }
      }, Math.min(1000, this.s.stallTimeoutMs));
      this.stallTimer.unref();
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    if (!this.init && !this.patient) {
      this.patient = true;
      this.log.info('live ffmpeg ended before the stream was recognised; probing longer from now on');
    }
    this.init = null;
    this.gop = [];
    this.gopBytes = 0;
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(this.s.restartMaxDelayMs, this.s.restartInitialDelayMs * 2 ** Math.min(this.failures - 1, 16));
    this.log.warn({ code, signal, restartInMs: delay }, 'live ffmpeg exited');
    const msg = JSON.stringify({ type: 'status', state: 'reconnecting', retryInMs: delay, message: `The camera stream stopped (ffmpeg exit ${code ?? signal}); retrying` });
    for (const v of this.viewers.keys()) v.send(msg);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopped) void this.start();
    }, delay);
    this.restartTimer.unref();
  }

  private kill(): void {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 2000).unref();
  }

  private initMessage(): string {
    const info = this.init!.info;
    const m: InitMessage = { type: 'init', codec: info.codec, mime: mimeFor(info), kind: info.kind, width: info.width, height: info.height, stream: this.spec.stream, transcoded: this.spec.transcoded };
    return JSON.stringify(m);
  }

  private sendInit(viewer: LiveViewer): void {
    viewer.send(this.initMessage());
    viewer.send(this.init!.data);
  }

  private onInit(data: Buffer, info: InitInfo): void {
    this.init = { data, info };
    this.gop = [];
    this.gopBytes = 0;
    this.log.info({ codec: info.codec, width: info.width, height: info.height }, 'live stream started');
    for (const [v, st] of this.viewers) {
      this.sendInit(v);
      st.needKeyframe = true;
    }
  }

  private onFragment(f: Fragment): void {
    this.failures = 0;
    if (f.keyframe) {
      this.gop = [f];
      this.gopBytes = f.data.length;
    } else if (this.gop.length) {
      this.gopBytes += f.data.length;
      if (this.gopBytes > this.s.maxGopBytes) {
        this.gop = []; // too long to cache: new viewers wait for the next keyframe
        this.gopBytes = 0;
      } else {
        this.gop.push(f);
      }
    }
    for (const [v, st] of this.viewers) this.deliver(v, st, f);
  }

  private deliver(v: LiveViewer, st: ViewerState, f: Fragment): void {
    if (st.needKeyframe) {
      if (!f.keyframe || v.buffered() > this.s.maxViewerBufferBytes / 2) {
        st.dropped++;
        return;
      }
      st.needKeyframe = false;
    } else if (v.buffered() > this.s.maxViewerBufferBytes) {
      st.needKeyframe = true;
      st.dropped++;
      st.resyncs++;
      return;
    }
    v.send(f.data);
    st.sent++;
  }
}
