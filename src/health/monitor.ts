/**
 * Runs the health samplers of a recorder node: one FrameSampler per camera the recorder has online
 * (or starting), each feeding that camera's TamperDetector. Flag changes are stored at once (with
 * their event); otherwise the latest measurements are stored every `persistIntervalMs`. At most one
 * store per camera is in flight: frames that arrive meanwhile are dropped and counted.
 */
import type { EventBus, Subscription } from '../bus/bus';
import type { DomainEventMap } from '../bus/events';
import type { Config } from '../config/schema';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Camera } from '../cameras/camera.model';
import type { CameraSources } from '../live/camera-source';
import type { MediaTools } from '../media/ffmpeg';
import { SegmentRepository } from '../record/segment.repository';
import type { Store } from '../store/store';
import { HealthRepository } from './health.repository';
import { gopMsFromProbe } from './measure';
import type { HealthService } from './health.service';
import { FrameSampler, gopFromKeyframes } from './sampler';
import type { GreyFrame } from './tamper';
import { CorruptTamperRecord, detectorStateOf, EMPTY_TAMPER, parseTamper, type TamperRecord } from './tamper-record';
import { TamperDetector, type DetectorState, type SampleResult, type TamperOptions } from './tamper-state';

export type HealthConfig = Config['health'];

/** Counters the monitor reports (implemented by HealthMetrics). */
export interface MonitorMetrics {
  frame(result: 'analysed' | 'dropped'): void;
  samplerExit(cause: string): void;
  flagChange(flag: string, change: 'raised' | 'cleared'): void;
}

const SAMPLED_STATES = ['online', 'starting'];
const TARGETS_REFRESH_MS = 30_000;

export function tamperOptions(h: HealthConfig): TamperOptions {
  return { thresholds: h.thresholds, raiseAfter: h.raiseAfter, clearAfter: h.clearAfter, referenceAdaptRate: h.referenceAdaptRate, referenceAdaptMinSimilarity: 0.8 };
}

interface CameraSampling {
  camera: Camera;
  state: string;
  sourceKey: string;
  sampler: FrameSampler;
  detector: TamperDetector;
  knownResetAt: number | null;
  lastPersistAt: number;
  busy: boolean;
}

export class HealthMonitor {
  private readonly cams = new Map<string, CameraSampling>();
  private timer?: NodeJS.Timeout;
  private sub?: Subscription;
  private stopped = false;
  private refreshing?: Promise<void>;

  constructor(
    private readonly d: { store: Store; health: HealthService; sources: CameraSources; bus: EventBus; tools: MediaTools; config: HealthConfig; log: Logger; metrics?: MonitorMetrics },
  ) {}

  async start(): Promise<void> {
    this.sub = await this.d.bus.subscribe<DomainEventMap['camera.tamper_changed']>('camera.tamper_changed', (m) => {
      if (m.data.reason === 'reference_reset') this.onReset(m.data.cameraId, m.data.at);
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), TARGETS_REFRESH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    await this.sub?.unsubscribe();
    await Promise.all([...this.cams.values()].map((c) => c.sampler.stop()));
    this.cams.clear();
  }

  /** Cameras being sampled and their sampler's state (for tests and diagnostics). */
  snapshot(): Array<{ cameraId: string; state: string; sampler: string; frames: number; flags: string[] }> {
    return [...this.cams.values()].map((c) => ({ cameraId: c.camera.id, state: c.state, sampler: c.sampler.state, frames: c.sampler.stats.frames, flags: c.detector.flags }));
  }

  /** Starts samplers for new targets, stops those gone, restarts those whose source changed. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.d.log.warn({ err: errorMessage(err) }, 'health sampler targets could not be refreshed; retrying later'))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (this.stopped) return;
    const targets = await new HealthRepository(this.d.store.db).samplingTargets(SAMPLED_STATES);
    const seen = new Set<string>();
    for (const t of targets) {
      seen.add(t.camera.id);
      const key = `${t.camera.source.subUrl ?? t.camera.source.url}|${t.camera.source.transport}|${t.camera.updatedAt}`;
      const cur = this.cams.get(t.camera.id);
      if (cur && cur.sourceKey === key) {
        cur.state = t.state;
        continue;
      }
      if (cur) await this.stopCamera(t.camera.id);
      if (this.stopped) return;
      await this.startCamera(t.camera, t.state, t.tamper, t.probe, key).catch((err: unknown) =>
        this.d.log.warn({ cameraId: t.camera.id, err: errorMessage(err) }, 'health sampler could not start; retrying at the next refresh'),
      );
    }
    for (const id of [...this.cams.keys()]) if (!seen.has(id)) await this.stopCamera(id);
  }

  private async startCamera(camera: Camera, state: string, tamperText: string, probe: string | null, sourceKey: string): Promise<void> {
    const cfg = this.d.config;
    const role = camera.source.subUrl ? 'sub' : 'main';
    const log = this.d.log.child({ cameraId: camera.id, stream: role });
    const { stored, initial } = this.resume(camera.id, tamperText, log);
    const inputArgs = await this.d.sources.inputArgs(camera, role);
    // GOP: the recorder's probe, else the keyframes of the latest recorded segment.
    const latest = await new SegmentRepository(this.d.store.db).latest(camera.id);
    const gop = gopMsFromProbe(probe) ?? (latest ? gopFromKeyframes(latest.keyframes) : null);
    const c: CameraSampling = {
      camera,
      state,
      sourceKey,
      detector: new TamperDetector(tamperOptions(cfg), initial),
      knownResetAt: stored.referenceResetAt,
      lastPersistAt: 0,
      busy: false,
      sampler: new FrameSampler({
        tools: this.d.tools,
        inputArgs,
        intervalMs: cfg.sampleIntervalMs,
        // The sub-stream's GOP is taken to be the recorded stream's; unknown → decode everything.
        keyframesOnly: gop !== null && cfg.sampleIntervalMs >= gop,
        width: cfg.frameWidth,
        height: cfg.frameHeight,
        restartInitialDelayMs: cfg.restartInitialDelayMs,
        restartMaxDelayMs: cfg.restartMaxDelayMs,
        stallTimeoutMs: cfg.stallTimeoutMs ?? Math.max(3 * cfg.sampleIntervalMs, 30_000),
        log,
        onFrame: (frame, at) => this.onFrame(c, frame, at),
        onExit: (e) => this.d.metrics?.samplerExit(e.cause),
      }),
    };
    this.cams.set(camera.id, c);
    c.sampler.start();
    log.info({ keyframesOnly: gop !== null && cfg.sampleIntervalMs >= gop, gopMs: gop, intervalMs: cfg.sampleIntervalMs }, 'health sampler started');
  }

  /** The stored state to resume from; an unreadable one is reported and replaced (a new reference is taken). */
  private resume(cameraId: string, text: string, log: Logger): { stored: TamperRecord; initial: DetectorState } {
    try {
      const stored = parseTamper(cameraId, text);
      return { stored, initial: detectorStateOf(stored) };
    } catch (err) {
      if (!(err instanceof CorruptTamperRecord) && !(err instanceof RangeError)) throw err;
      log.warn({ err: err.message }, 'stored tamper state unreadable; starting without a reference');
      return { stored: { ...EMPTY_TAMPER }, initial: { reference: null, raised: {} } };
    }
  }

  private async stopCamera(id: string): Promise<void> {
    const c = this.cams.get(id);
    this.cams.delete(id);
    await c?.sampler.stop();
  }

  private onReset(cameraId: string, at: number): void {
    const c = this.cams.get(cameraId);
    if (!c || (c.knownResetAt !== null && c.knownResetAt >= at)) return;
    c.detector.resetReference();
    c.knownResetAt = at;
  }

  private onFrame(c: CameraSampling, frame: GreyFrame, at: number): void {
    if (c.busy || this.stopped) {
      this.d.metrics?.frame('dropped');
      return;
    }
    let r: SampleResult;
    try {
      r = c.detector.analyse(frame, at, c.state === 'online');
    } catch (err) {
      this.d.log.warn({ cameraId: c.camera.id, err: errorMessage(err) }, 'health frame could not be analysed; dropped');
      this.d.metrics?.frame('dropped');
      return;
    }
    this.d.metrics?.frame('analysed');
    const changed = r.newlyRaised.length > 0 || r.cleared.length > 0 || r.referenceCaptured;
    if (!changed && at - c.lastPersistAt < this.d.config.persistIntervalMs) return;
    c.busy = true;
    void this.persist(c, r)
      .catch((err: unknown) => this.d.log.warn({ cameraId: c.camera.id, err: errorMessage(err) }, 'health sample could not be stored; the next one tries again'))
      .finally(() => {
        c.busy = false;
      });
  }

  private async persist(c: CameraSampling, r: SampleResult): Promise<void> {
    const s = r.observation.stats;
    const metrics = { brightness: s.brightness, contrast: s.contrast, sharpness: s.sharpness, edgeDensity: s.edgeDensity, similarity: r.observation.similarity, detailRatio: r.observation.detailRatio };
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await this.d.health.recordSample(c.camera.id, { state: c.detector.state, at: r.observation.at, metrics, knownResetAt: c.knownResetAt });
      if (out.status === 'reset') {
        // An operator reset the reference since: start over from it, then store again.
        c.detector.resetReference();
        c.knownResetAt = out.resetAt;
        continue;
      }
      c.lastPersistAt = r.observation.at;
      if (out.status === 'written') {
        for (const f of out.raised) this.d.metrics?.flagChange(f, 'raised');
        for (const f of out.cleared) this.d.metrics?.flagChange(f, 'cleared');
        if (out.raised.length || out.cleared.length) this.d.log.info({ cameraId: c.camera.id, raised: out.raised, cleared: out.cleared, flags: c.detector.flags }, 'tamper flags changed');
      }
      return;
    }
  }
}
