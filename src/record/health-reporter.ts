import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { RecordingIndex } from './recording-index';
import type { HealthPatch } from './recording.repository';

/**
 * Writes a camera's recorder health (camera_health) and online/offline status (cameras.status +
 * `camera.status_changed`) without ever blocking recording: latest wins, one write at a time, and
 * while the store is unavailable the latest state is retried every few seconds.
 */
export class HealthReporter {
  private patch: HealthPatch = {};
  private status: { status: 'online' | 'offline'; reason?: string } | null = null;
  private writing = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private failing = false;
  private closed = false;

  constructor(
    private readonly o: { cameraId: string; index: RecordingIndex; log: Logger; now: () => number; retryMs?: number },
  ) {}

  /** Merges into the health row to write. */
  set(p: HealthPatch): void {
    this.patch = { ...this.patch, ...p };
    this.kick();
  }

  /** Sets cameras.status (an event is published only when it really changes). */
  setStatus(status: 'online' | 'offline', reason: string | undefined, p: HealthPatch): void {
    this.status = { status, reason };
    this.set(p);
  }

  get dirty(): boolean {
    return this.status !== null || Object.keys(this.patch).length > 0;
  }

  /** Writes what is pending now; resolves when done (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    if (this.dirty) await this.write();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private kick(): void {
    if (this.closed) return;
    if (this.writing) {
      this.again = true;
      return;
    }
    void this.write();
  }

  private async write(): Promise<void> {
    this.writing = true;
    clearTimeout(this.timer);
    const patch = this.patch;
    const status = this.status;
    this.patch = {};
    this.status = null;
    try {
      const at = this.o.now();
      if (status) await this.o.index.status({ cameraId: this.o.cameraId, status: status.status, reason: status.reason, at, health: patch });
      else await this.o.index.health(this.o.cameraId, patch, at);
      if (this.failing) this.o.log.info('camera health written again after a store outage');
      this.failing = false;
    } catch (err) {
      // Keep it (newer values win) and retry later.
      this.patch = { ...patch, ...this.patch };
      this.status = this.status ?? status;
      if (!this.failing) this.o.log.warn({ err: errorMessage(err) }, 'cannot write camera health; retrying (recording continues)');
      this.failing = true;
      if (!this.closed) {
        this.timer = setTimeout(() => this.kick(), this.o.retryMs ?? 5000);
        this.timer.unref();
      }
    } finally {
      this.writing = false;
    }
    if (this.again && !this.closed) {
      this.again = false;
      if (this.dirty) this.kick();
    }
  }
}
