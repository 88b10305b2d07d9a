import type { EventBus, Subscription } from '../bus/bus';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { PoolStats } from '../detect/types';
import type { SamplerStats } from '../sample/types';
import { CameraPipeline } from './pipeline';
import type { AnalyticsSettingsSource, LiveSampler, LiveSamplerFactory, StageFactory } from './ports';
import type { PipelineStats } from './stages';

export interface AnalyticsManagerOptions {
  bus: EventBus;
  settings: AnalyticsSettingsSource;
  factory: StageFactory;
  sampler: LiveSamplerFactory;
  /** Stats of the one pool (null until the first camera made the factory start it). */
  poolStats: () => PoolStats | null;
  log: Logger;
  /** Re-read the settings this often, in case an event was missed (default 60 s). */
  resyncIntervalMs?: number;
  /** Cluster mode (src/cluster): only the cameras whose analytics lease this node holds (absent: every camera). */
  assignment?: { holds(cameraId: string): boolean };
}

interface Running {
  pipeline: CameraPipeline;
  sampler: LiveSampler;
  fingerprint: string;
}

export interface CameraAnalyticsStats {
  cameraId: string;
  pipeline: PipelineStats;
  sampler: SamplerStats;
}

/**
 * The `analytics` role: one live pipeline per camera whose analytics are switched on, all sharing
 * one detector pool. Cameras start, stop and restart (new fps, classes, masks or rules) as
 * `analytics.rules_changed` and `camera.*` events arrive; every change is applied in order on one
 * chain, and a periodic re-read catches anything missed. Stopping ends every track (their 'lost'
 * events are stored) and every sampler.
 */
export class AnalyticsManager {
  private readonly running = new Map<string, Running>();
  private chain: Promise<void> = Promise.resolve();
  private subs: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: AnalyticsManagerOptions) {}

  async start(): Promise<void> {
    const onCamera = (cameraId: unknown, force = false) => {
      if (typeof cameraId === 'string') this.enqueue(() => this.refresh(cameraId, force));
      else this.enqueue(() => this.sync());
    };
    this.subs.push(await this.o.bus.subscribe<{ cameraId?: string }>('analytics.rules_changed', (m) => onCamera(m.data.cameraId)));
    this.subs.push(
      await this.o.bus.subscribe<{ cameraId?: string; fields?: string[] }>('camera.*', (m) => {
        if (m.subject === 'camera.deleted') onCamera(m.data.cameraId);
        // New credentials do not change the fingerprint (they are not in it): restart anyway.
        else if (m.subject === 'camera.updated' && m.data.fields?.some((f) => f === 'source' || f === 'credentials')) onCamera(m.data.cameraId, true);
        else if (m.subject === 'camera.created' || m.subject === 'camera.imported') this.enqueue(() => this.sync());
      }),
    );
    this.enqueue(() => this.sync());
    await this.chain;
    this.timer = setInterval(() => this.enqueue(() => this.sync()), this.o.resyncIntervalMs ?? 60_000);
    this.timer.unref();
    this.o.log.info({ cameras: this.running.size }, 'analytics started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.subs) await s.unsubscribe();
    this.subs = [];
    await this.chain;
    await Promise.all([...this.running.keys()].map((id) => this.stopCamera(id)));
  }

  /** Resolves when the changes seen so far are applied (tests). */
  async settled(): Promise<void> {
    await this.chain;
  }

  /** Cluster mode: the camera was assigned to this node; resolves once its pipeline started (or failed to). */
  async assigned(cameraId: string): Promise<void> {
    this.enqueue(() => this.refresh(cameraId));
    await this.chain;
  }

  /** Cluster mode: the camera is no longer this node's; resolves once its sampler stopped (not queued: a fence must not wait). */
  async unassigned(cameraId: string): Promise<void> {
    await this.stopCamera(cameraId);
  }

  cameras(): string[] {
    return [...this.running.keys()].sort();
  }

  stats(): { cameras: CameraAnalyticsStats[]; pool: PoolStats | null } {
    return {
      cameras: [...this.running.entries()].map(([cameraId, r]) => ({ cameraId, pipeline: r.pipeline.stats(), sampler: r.sampler.stats() })),
      pool: this.o.poolStats(),
    };
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain
      .then(async () => {
        if (!this.stopped) await fn();
      })
      .catch((err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'analytics camera update failed; retried at the next re-read'));
  }

  private async sync(): Promise<void> {
    const wanted = new Set((await this.o.settings.enabledCameras()).filter((id) => this.mine(id)));
    for (const id of [...this.running.keys()]) if (!wanted.has(id)) await this.stopCamera(id);
    for (const id of wanted) await this.refresh(id);
  }

  /** Starts, restarts or stops one camera to match its settings now. */
  private async refresh(cameraId: string, force = false): Promise<void> {
    const fp = this.mine(cameraId) ? await this.o.settings.fingerprint(cameraId) : null;
    const cur = this.running.get(cameraId);
    if (cur && cur.fingerprint === fp && !force) return;
    if (cur) await this.stopCamera(cameraId);
    if (fp === null || this.stopped || !this.mine(cameraId)) return;
    try {
      await this.startCamera(cameraId, fp);
      // Cluster mode: the lease may have gone while the pipeline was being built.
      if (!this.mine(cameraId)) await this.stopCamera(cameraId);
    } catch (err) {
      this.o.log.warn({ cameraId, err: errorMessage(err) }, 'analytics could not start on this camera; retried at the next re-read');
    }
  }

  private mine(cameraId: string): boolean {
    return !this.o.assignment || this.o.assignment.holds(cameraId);
  }

  private async startCamera(cameraId: string, fingerprint: string): Promise<void> {
    const built = await this.o.factory.build({ cameraId });
    const pipeline = new CameraPipeline({ source: cameraId, stages: built.stages, detect: built.detect, gateMinScore: built.gateMinScore, log: this.o.log.child({ cameraId }) });
    const sampler = await this.o.sampler({ cameraId, fps: built.fps, maxSide: built.maxSide, onFrame: (f) => pipeline.process(f) });
    this.running.set(cameraId, { pipeline, sampler, fingerprint });
    this.o.log.info({ cameraId, fps: built.fps }, 'analytics running on camera');
  }

  private async stopCamera(cameraId: string): Promise<void> {
    const r = this.running.get(cameraId);
    if (!r) return;
    this.running.delete(cameraId);
    try {
      await r.sampler.stop();
      await r.pipeline.flush();
    } catch (err) {
      this.o.log.warn({ cameraId, err: errorMessage(err) }, 'analytics did not stop cleanly on this camera');
    }
    this.o.log.info({ cameraId, ...r.pipeline.stats() }, 'analytics stopped on camera');
  }
}
