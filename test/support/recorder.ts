import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load';
import { OperationalError } from '../../src/core/errors';
import { createLogger, type Logger } from '../../src/core/logger';
import { DEFAULT_TOOLS } from '../../src/media/ffmpeg';
import { Recorder, type RecorderOptions } from '../../src/record/recorder';
import type { JournalOp, RecordingIndex, StatusChange } from '../../src/record/recording-index';
import type { HealthPatch } from '../../src/record/recording.repository';

/** Recording settings for tests: 2 s segments, quick restarts. */
export const TEST_RECORDING = parseConfig({ recording: { segmentSeconds: 2, restartInitialDelayMs: 200, restartMaxDelayMs: 1000, stallTimeoutMs: 8000 } }).recording;

/** A RecordingIndex whose store can be switched off (`down = true`): every call then throws as a dead database would. */
export class FlakyIndex implements RecordingIndex {
  down = false;
  calls = 0;
  constructor(private readonly inner: RecordingIndex) {}
  private check(): void {
    this.calls++;
    if (this.down) throw new OperationalError('store_unavailable', 'test: the store is down');
  }
  async apply(ops: JournalOp[]): Promise<void> {
    this.check();
    await this.inner.apply(ops);
  }
  async health(cameraId: string, patch: HealthPatch, now: number): Promise<void> {
    this.check();
    await this.inner.health(cameraId, patch, now);
  }
  async status(change: StatusChange): Promise<void> {
    this.check();
    await this.inner.status(change);
  }
}

export function testRecorder(o: { id: string; url: string; root: string; index: RecordingIndex; log: Logger; username?: string; password?: string }): Recorder {
  const opts: RecorderOptions = {
    camera: { id: o.id, owner: 'test-owner', district: 'test-district', source: { url: o.url, transport: 'tcp', username: o.username, password: o.password } },
    storage: { id: 'local', root: o.root },
    node: 'site-1',
    index: o.index,
    tools: DEFAULT_TOOLS,
    recording: TEST_RECORDING,
    log: o.log,
    supervisor: { stopGraceMs: 3000 },
    retryMs: { initial: 100, max: 500 },
    sourceTimeoutMs: 5000,
  };
  return new Recorder(opts);
}

/** A pino logger (with the product's redaction) writing to a file the test reads back. */
export function fileLogger(file: string): { log: Logger; text(): Promise<string> } {
  const log = createLogger({ level: 'debug', destination: file });
  return {
    log,
    text: () => new Promise((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve(readFileSync(file, 'utf8'))))),
  };
}

/** Polls `cond` until it returns a truthy value; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function incoming(root: string, cameraId: string): string {
  return path.join(root, '.incoming', cameraId);
}
