/**
 * The one detector pool shared by every camera: worker threads, each with its own detector (ONNX Runtime
 * session or the built-in TF.js detector), one request at a time per worker. Requests wait in a bounded
 * queue; when it is full, detect() resolves null at once and the drop is counted (frames are dropped on
 * purpose, never queued without bound). A request that fails rejects with its error and the worker keeps
 * serving; a worker that dies is restarted with back-off and its in-flight request rejected.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema';
import { OperationalError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Detection, DetectOptions, DetectorPool, ModelFamily, PoolStats, RgbImage } from './types';
import type { FromWorker, ToWorker, WireError, WorkerInit, WorkerSpec } from './worker-protocol';

const WORKER_URL = new URL('./pool-worker.mjs', import.meta.url);
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
const START_TIMEOUT_MS = 120_000;

interface Request {
  id: number;
  source: string;
  image: RgbImage;
  opts?: DetectOptions;
  resolve(d: Detection[] | null): void;
  reject(e: Error): void;
}

interface Slot {
  index: number;
  worker: Worker | null;
  ready: boolean;
  busy: Request | null;
  restarts: number;
  okSinceRestart: number;
  timer: NodeJS.Timeout | null;
}

export interface PoolOptions {
  workers: number;
  maxQueue: number;
  spec: WorkerSpec;
  log: Logger;
}

function rebuild(e: WireError, source: string): Error {
  if (e.kind === 'user') return e.code === 'validation_failed' ? new ValidationError(`frame from ${source}: ${e.message}`) : new UserError(e.code, e.message, undefined, e.status ?? 400);
  return new OperationalError(e.code, `detector failed on a frame from ${source}: ${e.message}`);
}

/** The worker spec the `analytics.detector` / `analytics.pool` config asks for. */
export function workerSpecFromConfig(a: Config['analytics']): WorkerSpec {
  const d = a.detector;
  if (!d.model) return { kind: 'default', threshold: d.threshold, nmsIou: d.nmsIou };
  if (!d.family) throw new ValidationError('analytics.detector.family: required with analytics.detector.model (yolox, nanodet, fastestdet or yolo)');
  return { kind: 'onnx', model: d.model, family: d.family, labels: d.labels, threshold: d.threshold, nmsIou: d.nmsIou, threads: a.pool.threadsPerWorker };
}

export async function createDetectorPool(o: { analytics: Config['analytics']; log: Logger }): Promise<DetectorPool & { terminateWorker(i: number): Promise<void> }> {
  const workers = o.analytics.pool.workers || os.availableParallelism();
  return DetectorPoolImpl.start({ workers, maxQueue: o.analytics.pool.maxQueue, spec: workerSpecFromConfig(o.analytics), log: o.log });
}

export class DetectorPoolImpl implements DetectorPool {
  labels: readonly string[] = [];
  inputSize = { width: 0, height: 0 };
  threshold = 0;
  family: ModelFamily | null = null;
  private readonly slots: Slot[] = [];
  private readonly queue: Request[] = [];
  private nextId = 1;
  private closed = false;
  private completed = 0;
  private dropped = 0;
  private failed = 0;
  private readonly inferMs: number[] = [];

  private constructor(private readonly o: PoolOptions) {}

  static async start(o: PoolOptions): Promise<DetectorPoolImpl> {
    const pool = new DetectorPoolImpl(o);
    for (let i = 0; i < o.workers; i++) pool.slots.push({ index: i, worker: null, ready: false, busy: null, restarts: 0, okSinceRestart: 0, timer: null });
    try {
      await Promise.all(pool.slots.map((s) => pool.spawn(s)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    o.log.info({ workers: o.workers, family: pool.family, input: pool.inputSize, maxQueue: o.maxQueue }, 'detector pool started');
    return pool;
  }

  /** Starts the slot's worker; resolves when it is ready, rejects when its detector cannot load. */
  private spawn(slot: Slot): Promise<void> {
    return new Promise((resolve, reject) => {
      const w = new Worker(WORKER_URL, { workerData: { spec: this.o.spec } satisfies WorkerInit });
      slot.worker = w;
      let started = false;
      const startTimer = setTimeout(() => {
        if (!started) {
          reject(new OperationalError('detector_start_timeout', `detector worker ${slot.index} did not load its model within ${START_TIMEOUT_MS / 1000} s`));
          void w.terminate();
        }
      }, START_TIMEOUT_MS);
      w.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            started = true;
            clearTimeout(startTimer);
            this.labels = m.labels;
            this.inputSize = m.inputSize;
            this.threshold = m.threshold;
            this.family = m.family;
            slot.ready = true;
            resolve();
            this.pump();
            return;
          case 'fatal':
            started = true;
            clearTimeout(startTimer);
            reject(rebuild(m.error, 'start-up'));
            return;
          case 'result':
          case 'error':
            this.finish(slot, m);
            return;
        }
      });
      w.on('error', (err) => {
        this.o.log.error({ worker: slot.index, err }, 'detector worker error');
        if (!started) {
          started = true;
          clearTimeout(startTimer);
          reject(new OperationalError('detector_worker_failed', `detector worker ${slot.index} failed to start: ${err.message}`, { cause: err }));
        }
      });
      w.on('exit', (code) => {
        clearTimeout(startTimer);
        if (slot.worker !== w) {
          if (!started) reject(new OperationalError('detector_worker_failed', `detector worker ${slot.index} exited (code ${code}) before its model loaded`));
          return; // an earlier worker of this slot, already replaced
        }
        const wasStarted = slot.ready;
        slot.ready = false;
        slot.worker = null;
        const req = slot.busy;
        slot.busy = null;
        if (req) {
          this.failed++;
          req.reject(
            this.closed
              ? new OperationalError('detector_pool_closed', 'the detector pool was closed while this frame was being analysed')
              : new OperationalError('detector_worker_crashed', `the detector worker died (exit ${code}) while working on a frame from ${req.source}; it is being restarted`),
          );
        }
        if (!started) {
          started = true;
          reject(new OperationalError('detector_worker_failed', `detector worker ${slot.index} exited (code ${code}) before its model loaded`));
          return;
        }
        if (this.closed || !wasStarted) return;
        this.scheduleRestart(slot, code);
      });
    });
  }

  private scheduleRestart(slot: Slot, code: number): void {
    if (slot.okSinceRestart > 100) slot.restarts = 0;
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** slot.restarts);
    slot.restarts++;
    slot.okSinceRestart = 0;
    this.o.log.warn({ worker: slot.index, exitCode: code, restartInMs: delay }, 'detector worker died; restarting');
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (this.closed) return;
      this.spawn(slot).catch((err: Error) => {
        // The failed worker's own exit does not reschedule (it never became ready): this is the one place that does.
        this.o.log.error({ worker: slot.index, err }, 'detector worker restart failed');
        if (!this.closed) this.scheduleRestart(slot, -1);
      });
    }, delay);
  }

  private finish(slot: Slot, m: Extract<FromWorker, { type: 'result' | 'error' }>): void {
    const req = slot.busy;
    slot.busy = null;
    if (req && req.id === m.id) {
      if (m.type === 'result') {
        this.completed++;
        slot.okSinceRestart++;
        this.inferMs.push(m.inferMs);
        if (this.inferMs.length > 100) this.inferMs.shift();
        req.resolve(m.detections);
      } else {
        this.failed++;
        req.reject(rebuild(m.error, req.source));
      }
    }
    this.pump();
  }

  private send(slot: Slot, req: Request): void {
    // A copy is transferred: the caller keeps its frame (snapshots are cut from it), the worker owns the copy.
    const data = new Uint8Array(req.image.data.length);
    data.set(req.image.data);
    slot.busy = req;
    const msg: ToWorker = { type: 'detect', id: req.id, width: req.image.width, height: req.image.height, data: data.buffer, opts: req.opts };
    slot.worker!.postMessage(msg, [data.buffer]);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (slot.ready && !slot.busy && slot.worker) this.send(slot, this.queue.shift()!);
    }
  }

  detect(source: string, image: RgbImage, opts?: DetectOptions): Promise<Detection[] | null> {
    if (this.closed) return Promise.reject(new OperationalError('detector_pool_closed', 'the detector pool is closed'));
    if (this.queue.length >= this.o.maxQueue) {
      this.dropped++;
      return Promise.resolve(null);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, source, image, opts: opts && { threshold: opts.threshold, classes: opts.classes && [...opts.classes], regions: opts.regions && opts.regions.map((b) => [...b] as typeof b) }, resolve, reject });
      this.pump();
    });
  }

  stats(): PoolStats {
    const n = this.inferMs.length;
    return {
      workers: this.slots.filter((s) => s.ready).length,
      queued: this.queue.length,
      inFlight: this.slots.filter((s) => s.busy).length,
      completed: this.completed,
      dropped: this.dropped,
      failed: this.failed,
      meanInferMs: n ? Math.round((this.inferMs.reduce((a, b) => a + b, 0) / n) * 100) / 100 : 0,
    };
  }

  /** Stops one worker as a crash would (tests, and an operator's "restart detector" action): the pool restarts it. */
  async terminateWorker(i: number): Promise<void> {
    const w = this.slots[i]?.worker;
    if (!w) throw new ValidationError(`detector worker ${i} is not running`);
    await w.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.queue.splice(0)) r.reject(new OperationalError('detector_pool_closed', 'the detector pool was closed before this frame was analysed'));
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        const w = s.worker;
        if (!w) return;
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        w.postMessage({ type: 'close' } satisfies ToWorker);
        const t = setTimeout(() => void w.terminate(), 5000);
        await exited;
        clearTimeout(t);
      }),
    );
  }
}
