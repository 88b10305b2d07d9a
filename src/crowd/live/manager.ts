/**
 * The live crowd stage on the `analytics` role: one CrowdStage per camera whose crowd analytics are on,
 * fed by its own CameraSampler at the camera's crowd rate (default 1 fps) and at full resolution
 * (crowd.maxSide), counting through the process's one DetectorPool. Cameras start, stop and restart as
 * `crowd.settings_changed` and `camera.*` events arrive, in order on one chain, with a re-read every
 * 60 s for anything missed (the pattern of src/analytics/manager.ts).
 */
import { createHash } from 'node:crypto';
import type { EventBus, Subscription } from '../../bus/bus';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { SampledFrame } from '../../sample/types';
import type { CrowdCounter } from '../count';
import { LatestWins } from './latest';
import type { CrowdStage } from './stage';

export interface CrowdCameraPlan {
  fingerprint: string;
  fps: number;
  build(): Promise<{ stage: CrowdStage; counter: CrowdCounter }>;
}

export interface CrowdRoleDeps {
  bus: EventBus;
  log: Logger;
  enabledCameras(): Promise<string[]>;
  /** What to run on a camera now (null: nothing: crowd off or camera gone). */
  plan(cameraId: string): Promise<CrowdCameraPlan | null>;
  sampler(o: { cameraId: string; fps: number; onFrame: (f: SampledFrame) => Promise<void> }): Promise<{ stop(): Promise<void>; stats(): { frames: number; dropped: number } }>;
  resyncIntervalMs?: number;
}

interface Running {
  stage: CrowdStage;
  counter: CrowdCounter;
  sampler: { stop(): Promise<void>; stats(): { frames: number; dropped: number } };
  fingerprint: string;
  abort: AbortController;
  queue: LatestWins<SampledFrame>;
  errors: number;
}

export function fingerprintOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class CrowdRole {
  private readonly running = new Map<string, Running>();
  private chain: Promise<void> = Promise.resolve();
  private subs: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly d: CrowdRoleDeps) {}

  async start(): Promise<void> {
    const one = (id: unknown, force = false) => (typeof id === 'string' ? this.enqueue(() => this.refresh(id, force)) : this.enqueue(() => this.sync()));
    this.subs.push(await this.d.bus.subscribe<{ cameraId?: string }>('crowd.settings_changed', (m) => one(m.data.cameraId)));
    this.subs.push(
      await this.d.bus.subscribe<{ cameraId?: string; fields?: string[] }>('camera.*', (m) => {
        if (m.subject === 'camera.deleted') one(m.data.cameraId);
        else if (m.subject === 'camera.updated' && m.data.fields?.some((f) => f === 'source' || f === 'credentials' || f === 'location')) one(m.data.cameraId, true);
      }),
    );
    this.enqueue(() => this.sync());
    await this.chain;
    this.timer = setInterval(() => this.enqueue(() => this.sync()), this.d.resyncIntervalMs ?? 60_000);
    this.timer.unref();
    this.d.log.info({ cameras: this.running.size }, 'crowd stage started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.subs) await s.unsubscribe();
    this.subs = [];
    await this.chain;
    await Promise.all([...this.running.keys()].map((id) => this.stopCamera(id)));
  }

  async settled(): Promise<void> {
    await this.chain;
  }

  cameras(): string[] {
    return [...this.running.keys()].sort();
  }

  stats(): Array<{ cameraId: string; frames: number; dropped: number; superseded: number; errors: number; lastCountMs: number | null }> {
    return [...this.running.entries()].map(([cameraId, r]) => ({ cameraId, ...r.sampler.stats(), superseded: r.queue.superseded, errors: r.errors, lastCountMs: r.stage.last?.countMs ?? null }));
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain
      .then(async () => {
        if (!this.stopped) await fn();
      })
      .catch((err: unknown) => this.d.log.error({ err: errorMessage(err) }, 'crowd camera update failed; retried at the next re-read'));
  }

  private async sync(): Promise<void> {
    const wanted = new Set(await this.d.enabledCameras());
    for (const id of [...this.running.keys()]) if (!wanted.has(id)) await this.stopCamera(id);
    for (const id of wanted) await this.refresh(id);
  }

  private async refresh(cameraId: string, force = false): Promise<void> {
    const plan = await this.d.plan(cameraId);
    const cur = this.running.get(cameraId);
    if (cur && plan && cur.fingerprint === plan.fingerprint && !force) return;
    if (cur) await this.stopCamera(cameraId);
    if (!plan || this.stopped) return;
    try {
      const { stage, counter } = await plan.build();
      const abort = new AbortController();
      const r: Partial<Running> = { stage, counter, fingerprint: plan.fingerprint, abort, errors: 0 };
      const log = this.d.log.child({ cameraId });
      const queue = new LatestWins<SampledFrame>(async (f) => {
        try {
          await stage.process(f.tMs, f.rgb, abort.signal);
        } catch (err) {
          if (abort.signal.aborted) return;
          r.errors = (r.errors ?? 0) + 1;
          if (r.errors === 1 || r.errors % 100 === 0) log.warn({ err: errorMessage(err), errors: r.errors }, 'crowd count failed on a frame; the next frame is tried');
        }
      });
      r.queue = queue;
      r.sampler = await this.d.sampler({ cameraId, fps: plan.fps, onFrame: async (f) => queue.offer(f) });
      this.running.set(cameraId, r as Running);
      log.info({ fps: plan.fps }, 'crowd stage running on camera');
    } catch (err) {
      this.d.log.warn({ cameraId, err: errorMessage(err) }, 'crowd stage could not start on this camera; retried at the next re-read');
    }
  }

  private async stopCamera(cameraId: string): Promise<void> {
    const r = this.running.get(cameraId);
    if (!r) return;
    this.running.delete(cameraId);
    try {
      r.abort.abort();
      await r.sampler.stop();
      await r.queue.drain();
      r.stage.flush();
      await r.counter.close();
    } catch (err) {
      this.d.log.warn({ cameraId, err: errorMessage(err) }, 'crowd stage did not stop cleanly on this camera');
    }
    this.d.log.info({ cameraId, frames: r.stage.frames }, 'crowd stage stopped on camera');
  }
}
