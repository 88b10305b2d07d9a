/**
 * The analytics room's composition: the one place that knows every stage room (sample, motion,
 * detect, track, rules, alerts) and assembles them into pipelines for live cameras, recorded-footage
 * jobs, the CLI and the benchmarks. app.ts calls `createAnalytics` once per process.
 */
import { createHash } from 'node:crypto';
import type { EventSink } from '../alerts/event-sink';
import type { RuleHit as SinkRuleHit } from '../alerts/types';
import type { AuditAppender } from '../core/context';
import type { EventBus } from '../bus/bus';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { Config } from '../config/schema';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Detection, DetectorPool } from '../detect/types';
import type { Track } from '../track/types';
import { CARRIED_ITEMS } from '../search/attributes';
import { createDetectorPool } from '../detect/pool';
import type { CameraSources } from '../live/camera-source';
import type { MediaTools } from '../media/ffmpeg';
import { MotionGate } from '../motion/gate';
import { storageRoots } from '../playback/segment-file';
import { RuleEngine, type EngineRule } from '../rules/engine';
import { DEFAULT_SETTINGS, type AnalyticsSettings } from '../rules/model';
import { CameraSampler } from '../sample/sampler';
import { sampleFile, sampleRecording } from '../sample/file-sampler';
import type { Store } from '../store/store';
import { ByteTracker } from '../track/bytetrack';
import { PlateReader } from '../plates/read/reader';
import { AnprStage, type SightingRecorder } from '../plates/sightings/anpr-stage';
import { byteTrackerOptions } from '../track/config';
import { JobRunner } from './jobs.runner';
import { prefetch } from './prefetch';
import { AnalysisJobService } from './jobs.service';
import { AnalyticsManager } from './manager';
import type { AnalyticsSettingsSource, BuiltPipeline, FootageReader, LiveSamplerFactory, StageFactory } from './ports';
import type { FrameGate, PipelineSink } from './stages';

/** What the analytics pipeline needs of src/search/indexer.ts TrackIndexer. */
export interface TrackIndexerPort {
  observeFrame(cameraId: string, tracks: readonly Track[], detections: readonly Detection[], jobId?: string, frame?: { width: number; height: number }): void;
  wrapSink<S extends PipelineSink>(sink: S, cameraId: string, jobId?: string): S;
  /** Resolves when every track handed over so far is in the index. */
  idle(): Promise<void>;
}

/** The rules room as the analytics role reads it (src/rules/rules.service.ts). */
export interface RulesPort {
  enabledCameras(): Promise<string[]>;
  settings(cameraId: string): Promise<AnalyticsSettings | null>;
  rules(cameraId: string): Promise<EngineRule[]>;
}

/**
 * ByteTrack's thresholds follow the detector's: its threshold is the confident score (stage 1); the detector
 * is asked for detections down to `tracker.lowThreshold` so the rescue stage has something to rescue.
 */
export function newTracker(tracker: Partial<Config['analytics']['tracker']> = {}, detectorThreshold?: number): ByteTracker {
  return new ByteTracker(byteTrackerOptions(tracker, detectorThreshold));
}

export function newGate(motion: Partial<Config['analytics']['motion']> = {}, masks: AnalyticsSettings['masks'] = []): FrameGate {
  const { enabled: _enabled, ...options } = motion;
  return new MotionGate({ ...options, masks });
}

/**
 * The file sampler as a FootageReader: an uploaded file, or a camera's segments over a range (only
 * frames inside [fromMs, toMs) are passed on: the first and last segment may reach beyond it).
 */
export function fileFootageReader(tools: MediaTools): FootageReader {
  return async function* (o) {
    const opts = { fps: o.fps, maxSide: o.maxSide, signal: o.signal, onProgress: (done: number, total: number) => o.onProgress?.(total ? done / total : 0) };
    const single = o.pieces.length === 1 && o.pieces[0]!.endMs === undefined;
    const frames = single
      ? sampleFile(tools, o.pieces[0]!.path, opts)
      : sampleRecording(tools, o.pieces.map((p) => ({ ...p, endMs: p.endMs ?? p.startMs })), { ...opts, source: o.source });
    // Two frames decoded ahead: ffmpeg (its own process) decodes while the detector works.
    for await (const f of prefetch(frames, 2)) {
      if (o.fromMs !== undefined && f.tMs < o.fromMs) continue;
      if (o.toMs !== undefined && f.tMs >= o.toMs) break;
      yield f;
    }
  };
}

export interface AnalyticsDeps {
  config: Config;
  store: Store;
  bus: EventBus;
  audit: AuditAppender;
  clock: Clock;
  log: Logger;
  tools: MediaTools;
  sources: CameraSources;
  eventSink: EventSink;
  rules: RulesPort;
  /** ANPR sightings (src/plates/sightings): cameras whose settings say `anpr` read plates. */
  sightings?: SightingRecorder;
  /** The forensic track index (src/search), built at ingest from every camera's ended tracks; a getter (it is made after analytics). */
  trackIndexer?: () => TrackIndexerPort | undefined;
  afterCommit?: () => void;
}

export interface AnalyticsRuntime {
  jobs: AnalysisJobService;
  runner: JobRunner;
  factory: StageFactory;
  /** The one detector pool of this process, created on first use. */
  pool(): Promise<DetectorPool>;
  /** The `analytics` role (live cameras); serve starts it on analytics nodes. */
  /** `assignment`: cluster mode, only the cameras whose analytics lease this node holds (src/cluster). */
  startRole(opts?: { assignment?: { holds(cameraId: string): boolean } }): Promise<AnalyticsManager>;
  close(): Promise<void>;
}

/** Sink of one camera (or a job on it): track events and rule hits into the event store. */
export function cameraSink(sink: EventSink, cameraId: string, jobId?: string): PipelineSink {
  return {
    trackEvent: async (ev, snapshot) => void (await sink.recordTrackEvent(cameraId, ev, snapshot, jobId)),
    ruleHit: async (hit, snapshot) => void (await sink.recordRuleHit(cameraId, hit as SinkRuleHit, snapshot, jobId)),
  };
}

/** Uploaded files belong to no camera: their events are counted in the job, not stored. */
const countingSink: PipelineSink = { trackEvent: async () => undefined, ruleHit: async () => undefined };

export function createAnalytics(d: AnalyticsDeps): AnalyticsRuntime {
  const a = d.config.analytics;
  const log = d.log.child({ scope: 'analytics' });
  let poolP: Promise<DetectorPool> | undefined;
  let poolNow: DetectorPool | undefined;
  const pool = () => {
    poolP ??= createDetectorPool({ analytics: a, log: d.log.child({ scope: 'detect' }) }).then(
      (p) => (poolNow = p),
      (err: unknown) => {
        poolP = undefined; // try again next time (a model path fixed in the config, …)
        throw err;
      },
    );
    return poolP;
  };
  const cameraOf = (id: string): Promise<Camera | undefined> => new CameraRepository(d.store.db).get(id);
  // One plate reader per process, loaded when the first ANPR camera (or job) starts.
  let readerP: Promise<PlateReader> | undefined;
  const plateReader = () => {
    readerP ??= PlateReader.load({ detModel: a.anpr.detModel, recModel: a.anpr.recModel, dict: a.anpr.dict, threads: 1 }).catch((err: unknown) => {
      readerP = undefined;
      throw err;
    });
    return readerP;
  };

  const factory: StageFactory = {
    async build(o): Promise<BuiltPipeline> {
      const p = await pool();
      const settings = o.cameraId ? await d.rules.settings(o.cameraId) : null;
      const rules = o.cameraId ? await d.rules.rules(o.cameraId) : [];
      const classes = o.classes?.length ? o.classes : settings?.classes?.length ? settings.classes : a.detector.classes;
      const fps = o.fps ?? settings?.fps ?? a.sampling.fps;
      const engine = o.cameraId && rules.length
        // A job replays the camera's rules even while its live analytics are switched off.
        ? new RuleEngine(rules, { ...(settings ?? DEFAULT_SETTINGS), enabled: true }, { width: 1920, height: 1080 })
        : null;
      const confident = a.detector.threshold ?? p.threshold;
      const tracker = newTracker(a.tracker, confident);
      const withAnpr = Boolean(o.cameraId && settings?.anpr && d.sightings);
      const indexer = d.trackIndexer?.();
      const anpr = withAnpr
        ? new AnprStage({
          cameraId: o.cameraId!, reader: await plateReader(), sightings: d.sightings!, log: log.child({ cameraId: o.cameraId, stage: 'anpr' }), tools: d.tools,
          maxReadsPerSecond: a.anpr.maxReadsPerSecond, minScore: a.anpr.minScore, ...(o.jobId ? { jobId: o.jobId } : {}),
        })
        : null;
      return {
        stages: {
          pool: p,
          gate: a.motion.enabled ? newGate(a.motion, settings?.masks ?? []) : null,
          tracker,
          rules: engine,
          sink: o.cameraId && indexer ? indexer.wrapSink(cameraSink(d.eventSink, o.cameraId, o.jobId), o.cameraId, o.jobId) : o.cameraId ? cameraSink(d.eventSink, o.cameraId, o.jobId) : countingSink,
          anpr,
          // Bags are detected for the forensic index (what a person carries), never tracked on their own.
          observer: o.cameraId && indexer ? (tracks, dets, frame) => indexer.observeFrame(o.cameraId!, tracks, dets, o.jobId, frame) : null,
          trackLabels: o.cameraId && indexer ? classes : null,
        },
        detect: { classes: indexer && o.cameraId ? [...new Set([...classes, ...CARRIED_ITEMS])] : classes, threshold: Math.min(confident, a.tracker.lowThreshold) },
        gateMinScore: confident,
        fps,
        // Plates need pixels: ANPR cameras are sampled larger (the detector letterboxes to its own input anyway).
        maxSide: Math.max(p.inputSize.width, p.inputSize.height, withAnpr ? a.anpr.frameMaxSide : 0),
      };
    },
  };

  const runner = new JobRunner({
    store: d.store, bus: d.bus, factory, reader: fileFootageReader(d.tools), clock: d.clock, log, concurrency: a.jobs.concurrency,
    // A job is done when its tracks are searchable, not merely handed to the indexer.
    settle: async () => {
      await d.trackIndexer?.()?.idle();
    },
  });
  const jobs = new AnalysisJobService({
    store: d.store, audit: d.audit, runner, clock: d.clock, log, node: d.config.site.id, dataDir: d.config.dataDir, storageRoots: storageRoots(d.config),
    jobs: a.jobs, afterCommit: d.afterCommit,
  });

  const settingsSource: AnalyticsSettingsSource = {
    enabledCameras: () => d.rules.enabledCameras(),
    async fingerprint(cameraId) {
      const [cam, settings] = await Promise.all([cameraOf(cameraId), d.rules.settings(cameraId)]);
      if (!cam || !settings?.enabled) return null;
      const rules = await d.rules.rules(cameraId);
      return createHash('sha256').update(JSON.stringify([cam.source, settings, rules])).digest('hex');
    },
  };

  const sampler: LiveSamplerFactory = async (o) => {
    const cam = await cameraOf(o.cameraId);
    if (!cam) throw new Error(`camera ${o.cameraId} is gone`);
    const s = new CameraSampler({
      tools: d.tools, source: o.cameraId, stream: await d.sources.source(cam, cam.source.subUrl ? 'sub' : 'main'), defaultTransport: d.config.recording.rtspTransport,
      fps: o.fps, maxSide: o.maxSide, log: log.child({ cameraId: o.cameraId }), onFrame: o.onFrame,
      decode: a.sampling.decode, stallTimeoutMs: a.sampling.stallTimeoutMs,
    });
    s.start();
    return s;
  };

  let manager: AnalyticsManager | undefined;
  return {
    jobs,
    runner,
    factory,
    pool,
    async startRole(opts = {}) {
      // The pool starts with the first camera (factory.build), so a node without analytics cameras loads no model.
      manager = new AnalyticsManager({ bus: d.bus, settings: settingsSource, factory, sampler, poolStats: () => poolNow?.stats() ?? null, log, assignment: opts.assignment });
      await manager.start();
      return manager;
    },
    async close() {
      await manager?.stop();
      await runner.stop();
      if (poolP) {
        await poolP.then((p) => p.close()).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'detector pool did not close cleanly'));
      }
    },
  };
}
