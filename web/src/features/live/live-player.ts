/**
 * Live video in a <video> element through Media Source Extensions, fed by the server's WebSocket
 * (/api/cameras/:id/live/ws): a JSON "init" message names the codec, then the init segment and
 * fMP4 fragments arrive as binary messages (see docs/design/live-view.md). Keeps close to the live
 * edge, trims old buffer, and reconnects with back-off. No React here.
 */

export type LiveState = 'connecting' | 'starting' | 'playing' | 'reconnecting' | 'unsupported' | 'refused' | 'error';

export interface LiveStatus {
  state: LiveState;
  /** Server error code (refused/error) or 'hevc' / 'no_mse' (unsupported). */
  code?: string;
  message?: string;
  codec?: string;
  retryInMs?: number;
  transcoded?: boolean;
  stream?: string;
}

export interface LivePlayerOptions {
  cameraId: string;
  purpose?: string;
  transcode?: boolean;
  /** Another live socket with the same messages (a peer camera relayed by src/federation/peers). */
  socketUrl?: string;
  onStatus(s: LiveStatus): void;
}

interface InitMessage {
  type: 'init';
  codec: string;
  mime: string;
  kind: 'avc' | 'hevc' | 'other';
  stream: string;
  transcoded: boolean;
}

const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/**
 * Latency control. Right after a fragment is appended, the playhead should be about one fragment
 * plus MARGIN behind the newest frame: less and playback stalls until the next fragment arrives,
 * more is needless delay. Within the band we play at 1×; behind it slightly faster, ahead of it
 * slightly slower; beyond MAX_LAG we jump.
 */
const MARGIN = 0.3;
const BAND = 0.2;
const MAX_LAG = 2.5;
const KEEP_SECONDS = 20;
const MAX_QUEUE = 60;

export function liveSocketUrl(o: Pick<LivePlayerOptions, 'cameraId' | 'purpose' | 'transcode'>, loc: Location = window.location): string {
  const q = new URLSearchParams();
  if (o.purpose) q.set('purpose', o.purpose);
  if (o.transcode) q.set('transcode', '1');
  const qs = q.toString();
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/cameras/${encodeURIComponent(o.cameraId)}/live/ws${qs ? `?${qs}` : ''}`;
}

export class LivePlayer {
  private ws: WebSocket | null = null;
  private ms: MediaSource | null = null;
  private sb: SourceBuffer | null = null;
  private objectUrl: string | null = null;
  private queue: ArrayBuffer[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private attempt = 0;
  private stopped = false;
  private final = false;
  private state: LiveState = 'connecting';
  /** Measured media seconds per fragment (EWMA) and the buffer end after the previous append. */
  private fragSeconds = 0.5;
  private lastEnd = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly o: LivePlayerOptions,
  ) {}

  start(): void {
    if (typeof MediaSource === 'undefined') {
      this.status({ state: 'unsupported', code: 'no_mse' });
      return;
    }
    this.tick = setInterval(() => this.keepLive(), 500);
    this.video.addEventListener('playing', this.onPlaying);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.tick) clearInterval(this.tick);
    this.video.removeEventListener('playing', this.onPlaying);
    this.ws?.close();
    this.ws = null;
    this.teardownMedia();
  }

  private readonly onPlaying = () => {
    if (this.state !== 'playing') this.status({ state: 'playing' });
  };

  private status(s: LiveStatus): void {
    this.state = s.state;
    this.o.onStatus(s);
  }

  private connect(): void {
    this.status({ state: 'connecting' });
    const ws = new WebSocket(this.o.socketUrl ?? liveSocketUrl(this.o));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent<string | ArrayBuffer>) => {
      if (typeof ev.data === 'string') this.onText(ev.data);
      else this.onBinary(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped || this.final) return;
      if (ev.code === 4403 || ev.code === 4404 || ev.code === 4400 || ev.code === 4401) return; // told in onText
      const delay = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
      this.attempt += 1;
      this.status({ state: 'reconnecting', retryInMs: delay });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
    // onerror is always followed by onclose, where the reconnect is scheduled.
    ws.onerror = () => console.warn(`Live socket of camera ${this.o.cameraId}: error; will reconnect`);
  }

  private onText(text: string): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      console.warn('Ignoring a live message that is not JSON', err);
      return;
    }
    if (m.type === 'init') this.onInit(m as unknown as InitMessage);
    else if (m.type === 'status' && m.state === 'starting') this.status({ state: 'starting' });
    else if (m.type === 'status' && m.state === 'reconnecting') this.status({ state: 'reconnecting', retryInMs: Number(m.retryInMs) || undefined, message: String(m.message ?? '') });
    else if (m.type === 'error') {
      const code = String(m.code ?? 'error');
      this.final = code === 'sharing_refused' || code === 'not_found' || code === 'forbidden';
      this.status({ state: this.final ? 'refused' : 'error', code, message: String(m.message ?? '') });
    }
  }

  private onInit(m: InitMessage): void {
    this.attempt = 0;
    if (!MediaSource.isTypeSupported(m.mime)) {
      this.final = true;
      this.ws?.close();
      this.status({ state: 'unsupported', code: m.kind === 'hevc' ? 'hevc' : 'codec', codec: m.codec });
      return;
    }
    // A (re)started camera stream: a fresh MediaSource, since timestamps start over.
    this.teardownMedia();
    const ms = new MediaSource();
    this.ms = ms;
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    ms.addEventListener('sourceopen', () => {
      if (this.ms !== ms) return;
      const sb = ms.addSourceBuffer(m.mime);
      sb.mode = 'segments';
      sb.addEventListener('updateend', () => {
        this.afterAppend();
        this.pump();
      });
      sb.addEventListener('error', () => console.warn(`Live SourceBuffer error (camera ${this.o.cameraId})`));
      this.sb = sb;
      this.pump();
    });
    this.status({ state: 'starting', codec: m.codec, transcoded: m.transcoded, stream: m.stream });
  }

  private onBinary(data: ArrayBuffer): void {
    if (!this.ms) return; // before an init message: nothing to append to
    this.queue.push(data);
    if (this.queue.length > MAX_QUEUE) {
      // The decoder cannot keep up (hidden tab, slow machine): start over from a keyframe.
      console.warn(`Live queue of camera ${this.o.cameraId} overflowed; reconnecting`);
      this.queue = [];
      this.ws?.close();
      return;
    }
    this.pump();
  }

  private pump(): void {
    const sb = this.sb;
    if (!sb || sb.updating || this.queue.length === 0 || this.ms?.readyState !== 'open') return;
    const next = this.queue.shift()!;
    try {
      sb.appendBuffer(next);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'QuotaExceededError') {
        this.queue.unshift(next);
        this.trim(true);
      } else {
        console.warn(`Live append failed (camera ${this.o.cameraId}); reconnecting`, err);
        this.queue = [];
        this.ws?.close();
      }
      return;
    }
    this.keepLive();
  }

  /** After each append: learn the fragment length and steer the playback rate towards the target lag. */
  private afterAppend(): void {
    const b = this.video.buffered;
    if (b.length === 0) return;
    const end = b.end(b.length - 1);
    const inc = end - this.lastEnd;
    if (inc > 0.01 && inc < 5) this.fragSeconds = this.fragSeconds * 0.8 + inc * 0.2;
    this.lastEnd = end;
    const lag = end - this.video.currentTime;
    const target = this.fragSeconds + MARGIN;
    this.video.playbackRate = lag > target + BAND ? 1.15 : lag < target - BAND ? 0.95 : 1;
  }

  /** Stay near the newest frame: start (or jump) to the target lag when outside the buffer or far behind. */
  private keepLive(): void {
    const v = this.video;
    const b = v.buffered;
    if (b.length === 0) return;
    const start = b.start(b.length - 1);
    const end = b.end(b.length - 1);
    const lag = end - v.currentTime;
    if (v.currentTime < start || lag > MAX_LAG) v.currentTime = Math.max(start, end - this.fragSeconds - MARGIN);
    if (v.paused) v.play().catch((err: unknown) => console.warn('Live video did not start playing', err));
    this.trim(false);
  }

  private trim(force: boolean): void {
    const sb = this.sb;
    const b = this.video.buffered;
    if (!sb || sb.updating || b.length === 0) return;
    const keepFrom = this.video.currentTime - (force ? 2 : KEEP_SECONDS);
    if (b.start(0) < keepFrom - (force ? 0 : 10)) sb.remove(b.start(0), keepFrom);
  }

  private teardownMedia(): void {
    this.queue = [];
    this.lastEnd = 0;
    this.sb = null;
    if (this.ms && this.ms.readyState === 'open') {
      try {
        this.ms.endOfStream();
      } catch (err) {
        console.warn('Closing the live MediaSource failed', err);
      }
    }
    this.ms = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
    this.video.removeAttribute('src');
    this.video.load();
  }
}
