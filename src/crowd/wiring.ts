/**
 * The crowd room assembled (app.ts calls createCrowd once per process): the API services, the live
 * crowd stage of the `analytics` role, recorded-footage runs, and the hourly retention sweep.
 * Counting goes through crowd-count's CrowdCounter on the process's one DetectorPool.
 */
import path from 'node:path';
import type { EventSink } from '../alerts/event-sink';
import { SnapshotStore } from '../alerts/snapshot-store';
import type { EventBus } from '../bus/bus';
import { CameraRepository } from '../cameras/camera.repository';
import type { Config } from '../config/schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { DetectorPool, RgbImage } from '../detect/types';
import type { CameraSources } from '../live/camera-source';
import type { MediaTools } from '../media/ffmpeg';
import { decodeImageFile } from '../media/images';
import { CameraSampler } from '../sample/sampler';
import type { Store } from '../store/store';
import { buildGround, type Ground } from './calibration/ground';
import { footprint } from './calibration/measure';
import { createCrowdCounter, type CountResult, type CrowdCounter } from './count';
import { CrowdRepository } from './crowd.repository';
import { CrowdService } from './crowd.service';
import { CrowdEventService } from './events/events.service';
import { CrowdFootageService } from './footage/footage.service';
import { storageRoots } from '../playback/segment-file';
import { CrowdRole, fingerprintOf, type CrowdCameraPlan } from './live/manager';
import { CrowdStage, type CameraCrowdState } from './live/stage';
import type { CrowdAlert } from './alerts/logic';
import type { CrowdKind, CrowdSettingsInput, CountCalibration } from './model';

export interface CrowdDeps {
  config: Config;
  store: Store;
  bus: EventBus;
  audit: AuditAppender;
  clock: Clock;
  log: Logger;
  tools: MediaTools;
  sources: CameraSources;
  eventSink: EventSink;
  /** The one detector pool of the process (src/analytics). */
  pool(): Promise<DetectorPool>;
  snapshot(ctx: ActionContext, cameraId: string, at?: number): Promise<{ jpeg: Buffer; atMs: number | null }>;
  afterCommit?: () => void;
}

export interface CrowdRuntime {
  service: CrowdService;
  events: CrowdEventService;
  /** Counts and densities over recorded footage (series rows tagged with the run). */
  footage: CrowdFootageService;
  board: Map<string, CameraCrowdState>;
  /** The live crowd stage (serve starts it on analytics nodes). */
  startRole(): Promise<CrowdRole>;
  /** Builds a stage for one camera (live or recorded footage); exported for the benchmark and tests. */
  stageFor(cameraId: string, o?: { jobId?: string; alerts?: boolean }): Promise<{ stage: CrowdStage; counter: CrowdCounter; fps: number } | null>;
  /** Deletes series and samples past their retention (the scheduler role, hourly). */
  prune(): Promise<{ series: number; samples: number }>;
  close(): Promise<void>;
}

export function createCrowd(d: CrowdDeps): CrowdRuntime {
  const c = d.config.crowd;
  const log = d.log.child({ scope: 'crowd' });
  const board = new Map<string, CameraCrowdState>();
  const pictures = new SnapshotStore(path.join(d.config.dataDir, 'crowd', 'samples'), log);
  const newCounter = async (kind: CrowdKind, source: string): Promise<CrowdCounter> =>
    createCrowdCounter({ kind, ...(c.densityModel ? { modelPath: c.densityModel } : {}), pool: await d.pool(), source, log: log.child({ source }) });
  // API-side counters (samples), one per kind, made on first use.
  const shared = new Map<CrowdKind, Promise<CrowdCounter>>();
  const countOnce = async (cameraId: string, kind: CrowdKind, frame: RgbImage): Promise<CountResult> => {
    let p = shared.get(kind);
    if (!p) {
      p = newCounter(kind, `crowd-sample-${kind}`);
      shared.set(kind, p);
      p.catch(() => shared.delete(kind));
    }
    return (await p).count(frame);
  };

  const service = new CrowdService({
    store: d.store, audit: d.audit, clock: d.clock, log, pictures, staleAfterMs: c.staleAfterMs, densityModel: Boolean(c.densityModel), board, snapshot: d.snapshot,
    decodeJpeg: (file) => decodeImageFile(d.tools, file), count: countOnce, afterCommit: d.afterCommit,
  });
  const events = new CrowdEventService(d.store, d.audit, d.clock);
  const repo = () => new CrowdRepository(d.store.db);

  const raise = (cameraId: string, cameraName: string) => (a: CrowdAlert, at: number) => {
    void d.eventSink
      .recordAlertEvent(cameraId, {
        type: a.kind, label: 'crowd', sourceId: `crowd:${cameraId}:${a.zoneId ?? 'camera'}`, sourceName: a.zoneName ?? cameraName, severity: a.severity, tMs: at, title: `${cameraName}: ${a.title}`,
        detail: a.detail,
      })
      .catch((err: unknown) => log.error({ cameraId, kind: a.kind, err: errorMessage(err) }, 'crowd alert could not be stored'));
  };
  const writeSeries = (row: Parameters<CrowdRepository['insertSeries']>[0][number]) => {
    void repo().insertSeries([row]).catch((err: unknown) => log.warn({ cameraId: row.cameraId, at: row.at, err: errorMessage(err) }, 'crowd time-series row could not be written'));
  };

  async function loadPlan(cameraId: string): Promise<{ name: string; settings: CrowdSettingsInput; countCalibration: CountCalibration | null; ground: Ground | null; fp: string } | null> {
    const cam = await new CameraRepository(d.store.db).get(cameraId);
    const saved = await repo().settings(cameraId);
    if (!cam || !saved) return null;
    let ground: Ground | null = null;
    if (saved.settings.calibration) {
      try {
        ground = buildGround(saved.settings.calibration);
      } catch (err) {
        log.warn({ cameraId, err: errorMessage(err) }, 'the stored crowd calibration no longer fits; densities are not reported until it is fixed');
      }
    }
    return { name: cam.name, settings: saved.settings, countCalibration: saved.countCalibration, ground, fp: fingerprintOf([cam.source, cam.location, saved.settings, saved.countCalibration]) };
  }

  async function stageFor(cameraId: string, o: { jobId?: string; alerts?: boolean } = {}) {
    const p = await loadPlan(cameraId);
    if (!p) return null;
    const counter = await newCounter(p.settings.kind, cameraId);
    const stage = new CrowdStage({
      cameraId, settings: p.settings, countCalibration: p.countCalibration, ground: p.ground, footprint: p.ground ? footprint(p.ground, c.footprintRangeM) : null, counter,
      alerts: c.alerts, flow: c.flow, bucketMs: c.seriesBucketMs, ...(o.jobId ? { jobId: o.jobId } : {}),
      ...(o.alerts === false ? {} : { onAlert: raise(cameraId, p.name) }),
      onSeries: writeSeries,
      ...(o.jobId ? {} : { onState: (s: CameraCrowdState) => void board.set(cameraId, s) }),
    });
    return { stage, counter, fps: p.settings.fps };
  }

  const footage = new CrowdFootageService({ store: d.store, audit: d.audit, clock: d.clock, log, tools: d.tools, storageRoots: storageRoots(d.config), maxSide: c.maxSide, stageFor });
  let role: CrowdRole | undefined;
  const prune = () => service.prune(c.seriesRetentionDays, c.sampleRetentionDays);
  return {
    service,
    events,
    footage,
    board,
    stageFor,
    prune,
    async startRole() {
      role = new CrowdRole({
        bus: d.bus,
        log,
        enabledCameras: () => repo().enabledCameras(),
        plan: async (cameraId): Promise<CrowdCameraPlan | null> => {
          const p = await loadPlan(cameraId);
          if (!p || !p.settings.enabled) return null;
          return {
            fingerprint: p.fp,
            fps: p.settings.fps,
            build: async () => {
              const s = await stageFor(cameraId);
              if (!s) throw new Error(`camera ${cameraId} has no crowd settings any more`);
              return s;
            },
          };
        },
        sampler: async (o) => {
          const cam = await new CameraRepository(d.store.db).get(o.cameraId);
          if (!cam) throw new Error(`camera ${o.cameraId} is gone`);
          const s = new CameraSampler({
            tools: d.tools, source: o.cameraId, stream: await d.sources.source(cam, 'main'), defaultTransport: d.config.recording.rtspTransport, fps: o.fps, maxSide: c.maxSide,
            log: log.child({ cameraId: o.cameraId }), onFrame: o.onFrame, decode: d.config.analytics.sampling.decode, stallTimeoutMs: d.config.analytics.sampling.stallTimeoutMs,
          });
          s.start();
          return s;
        },
      });
      await role.start();
      return role;
    },
    async close() {
      await role?.stop();
      await footage.idle();
      for (const p of shared.values()) await p.then((x) => x.close()).catch((err: unknown) => log.debug({ err: errorMessage(err) }, 'crowd sample counter did not close cleanly'));
    },
  };
}
