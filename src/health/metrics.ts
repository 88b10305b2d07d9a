/**
 * Prometheus metrics of a SmartView process (prom-client), served at GET /metrics.
 * Gauges that describe the site (cameras by state, tamper flags, recorder restarts, outbox backlog)
 * are computed from the store at scrape time, so every node reports the same site-wide values;
 * counters of this process (HTTP requests, sampler frames) are kept in memory. Segment and byte
 * counters read only the segments indexed since the previous scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import { MetricsRepository } from './metrics.repository';
import type { MonitorMetrics } from './monitor';
import { TAMPER_FLAGS } from './tamper-state';
import { parseTamper } from './tamper-record';

export class HealthMetrics implements MonitorMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status_code'>;
  private readonly frames: Counter<'result'>;
  private readonly samplerExits: Counter<'cause'>;
  private readonly flagChanges: Counter<'flag' | 'change'>;
  private readonly collectErrors: Counter<'metric'>;
  private segHigh: number | null = null;
  private segPass?: { at: number; done: Promise<Array<{ storage: string; n: number; bytes: number }>> };

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const guard = (metric: string, fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } catch (err) {
        // The scrape still answers (with this metric's last value); the failure is counted and logged.
        this.collectErrors.inc({ metric });
        this.log.warn({ metric, err: errorMessage(err) }, 'metric could not be collected');
      }
    };
    const repo = () => new MetricsRepository(this.store.db);

    this.collectErrors = new Counter({ name: 'smartview_metrics_collect_errors_total', help: 'Metrics that could not be collected at scrape time', labelNames: ['metric'], registers });
    this.http = new Histogram({
      name: 'smartview_http_request_duration_seconds',
      help: 'HTTP request durations by route (the route pattern, not the URL)',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.frames = new Counter({ name: 'smartview_health_frames_total', help: 'Frames of the health samplers of this process: analysed, or dropped while the previous one was still being stored', labelNames: ['result'], registers });
    this.samplerExits = new Counter({ name: 'smartview_health_sampler_exits_total', help: 'Health sampler (ffmpeg) runs that ended, by cause', labelNames: ['cause'], registers });
    this.flagChanges = new Counter({ name: 'smartview_tamper_flag_changes_total', help: 'Tamper flags raised or cleared by the samplers of this process', labelNames: ['flag', 'change'], registers });

    const cams = new Gauge({ name: 'smartview_cameras', help: 'Cameras by recorder state (unknown = not seen by a recorder yet)', labelNames: ['state'], registers,
      collect: guard('smartview_cameras', async () => {
        const rows = await repo().camerasByState();
        cams.reset();
        for (const r of rows) cams.set({ state: r.state }, r.n);
      }) });
    const flags = new Gauge({ name: 'smartview_camera_tamper_flags', help: 'Cameras with each tamper flag raised', labelNames: ['flag'], registers,
      collect: guard('smartview_camera_tamper_flags', async () => {
        const counts = Object.fromEntries(TAMPER_FLAGS.map((f) => [f, 0])) as Record<string, number>;
        for (const text of await repo().tamperedRows()) for (const f of parseTamper('?', text).flags) counts[f]!++;
        for (const [flag, n] of Object.entries(counts)) flags.set({ flag }, n);
      }) });
    const restarts: Gauge = new Gauge({ name: 'smartview_recorder_restarts', help: 'Recorder reconnects/restarts summed over all cameras (camera_health.reconnects)', registers,
      collect: guard('smartview_recorder_restarts', async () => {
        restarts.set(await repo().reconnects());
      }) });
    const backlog: Gauge = new Gauge({ name: 'smartview_outbox_backlog', help: 'Domain events committed but not yet published on the bus', registers,
      collect: guard('smartview_outbox_backlog', async () => {
        backlog.set(await repo().outboxBacklog());
      }) });
    const segments: Counter<'storage'> = new Counter({ name: 'smartview_segments_written_total', help: 'Recorded segments indexed since this process started, by storage', labelNames: ['storage'], registers,
      collect: guard('smartview_segments_written_total', async () => {
        for (const r of await this.newSegments()) if (r.n) segments.inc({ storage: r.storage }, r.n);
      }) });
    const bytes: Counter<'storage'> = new Counter({ name: 'smartview_recorded_bytes_total', help: 'Bytes of recorded segments indexed since this process started, by storage', labelNames: ['storage'], registers,
      collect: guard('smartview_recorded_bytes_total', async () => {
        for (const r of await this.newSegments()) if (r.bytes) bytes.inc({ storage: r.storage }, r.bytes);
      }) });
  }

  /** Segments indexed since the last scrape; both segment counters of one scrape share one query. */
  private newSegments(): Promise<Array<{ storage: string; n: number; bytes: number }>> {
    const now = Date.now();
    if (this.segPass && now - this.segPass.at < 1000) return this.segPass.done;
    const done = (async () => {
      if (this.segHigh === null) await this.init();
      const rows = await new MetricsRepository(this.store.db).segmentsAfter(this.segHigh!);
      for (const r of rows) this.segHigh = Math.max(this.segHigh!, r.maxId);
      return rows;
    })();
    this.segPass = { at: now, done };
    return done;
  }

  /** Starts the segment counters at the current high-water mark: they count from 0 with the process. */
  async init(): Promise<void> {
    this.segHigh ??= await new MetricsRepository(this.store.db).maxSegmentId();
  }

  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  frame(result: 'analysed' | 'dropped'): void {
    this.frames.inc({ result });
  }

  samplerExit(cause: string): void {
    this.samplerExits.inc({ cause });
  }

  flagChange(flag: string, change: 'raised' | 'cleared'): void {
    this.flagChanges.inc({ flag, change });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
