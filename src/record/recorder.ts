import { EventEmitter } from 'node:events';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/time';
import { ffmpegInputArgs, type StreamSource } from '../ingest/source';
import { spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import { classifyFailure, parseStreamLine, StdoutParser, type SegmentListEntry, type StreamFacts } from '../media/ffmpeg-output';
import { Supervisor, type ExitInfo, type SupervisorOptions } from '../media/supervisor';
import { SegmentCloser } from './closer';
import { HealthReporter } from './health-reporter';
import { Journal } from './journal';
import { describe, recordArgs } from './recorder-args';
import type { RecordingIndex } from './recording-index';
import type { GapReason } from './recording.repository';
import type { NewSegment } from './segment.repository';
import { RunTimeline } from './timeline';

export interface RecorderCamera {
  id: string;
  owner: string;
  district: string;
  source: StreamSource; // with credentials (decrypted by the manager); never logged
}

export interface RecorderOptions {
  camera: RecorderCamera;
  storage: { id: string; root: string };
  node: string;
  index: RecordingIndex;
  tools: MediaTools;
  recording: Config['recording'];
  log: Logger;
  clock?: Clock;
  /** Supervisor tuning beyond the config (tests). */
  supervisor?: Partial<Pick<SupervisorOptions, 'stopGraceMs' | 'maxRestarts' | 'restartWindowMs' | 'healthyAfterMs'>>;
  /** Spool and health retry timing (tests). */
  retryMs?: { initial: number; max: number };
  /** Socket I/O timeout of the source (default 10 s). */
  sourceTimeoutMs?: number;
}

export type RecorderState = 'starting' | 'online' | 'offline' | 'failed' | 'paused' | 'stopped';

export interface RecorderStatus {
  cameraId: string;
  state: RecorderState;
  reason: GapReason | null;
  lastError: string | null;
  segments: number;
  lastSegmentAt: number | null;
  restarts: number;
  spooled: number;
}

const HEALTH_EVERY_MS = 30_000;

interface Run {
  id: number;
  timeline: RunTimeline;
  stderr: string[];
  facts: StreamFacts | null;
  seen: Set<string>;
  lastOutMs: number;
}

/**
 * Continuous recording of one camera (docs/design/recording.md): a supervised
 * `ffmpeg -c copy -f segment` into `<storage>/.incoming/<cameraId>/`; each closed segment is
 * measured, hashed, moved into the layout and indexed through the journal; gaps open when a run
 * ends and close at the next segment; health and online/offline status follow.
 */
export class Recorder extends EventEmitter<{ segment: [NewSegment]; status: [RecorderStatus] }> {
  readonly cameraId: string;
  private camera: RecorderCamera;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly closer: SegmentCloser;
  private readonly journal: Journal;
  private readonly health: HealthReporter;
  private sup?: Supervisor;
  private run?: Run;
  private chain: Promise<void> = Promise.resolve();
  private gapOpen = false;
  private pausedFor: GapReason | null = null;
  private healthAt = 0;
  private stopped = false;
  private st: RecorderStatus;

  constructor(private readonly o: RecorderOptions) {
    super();
    this.camera = o.camera;
    this.cameraId = o.camera.id;
    this.clock = o.clock ?? systemClock;
    this.log = o.log.child({ scope: 'record', cameraId: this.cameraId });
    const now = () => this.clock.now();
    this.closer = new SegmentCloser({ cameraId: this.cameraId, storage: o.storage, node: o.node, log: this.log, now });
    this.journal = new Journal({ file: path.join(o.storage.root, '.spool', `${this.cameraId}.jsonl`), index: o.index, log: this.log, initialRetryMs: o.retryMs?.initial, maxRetryMs: o.retryMs?.max });
    this.health = new HealthReporter({ cameraId: this.cameraId, index: o.index, log: this.log, now, retryMs: o.retryMs?.max });
    this.st = { cameraId: this.cameraId, state: 'starting', reason: null, lastError: null, segments: 0, lastSegmentAt: null, restarts: 0, spooled: 0 };
  }

  /** The running ffmpeg's pid (diagnostics, tests). */
  get pid(): number | undefined {
    return this.sup?.pid;
  }

  status(): RecorderStatus {
    return { ...this.st, spooled: this.journal.size };
  }

  /**
   * Picks up what a previous process left (spool, .incoming), then starts recording. `gapReason`: why the
   * camera was not recorded before (cluster mode: 'failover' / 'handover' when it moved from another node).
   */
  async start(gapReason: GapReason = 'stopped'): Promise<void> {
    await mkdir(this.closer.incomingDir, { recursive: true });
    await this.journal.load();
    const leftovers = (await readdir(this.closer.incomingDir)).filter((n) => n.endsWith('.ts')).sort();
    for (const name of leftovers) await this.closeUnlisted(name, null, null);
    if (leftovers.length) this.log.info({ files: leftovers.length }, 'segments left in .incoming by the previous run indexed');
    // Not recorded from the last segment (or from now, for a camera never recorded) until the first new one.
    await this.journal.push({ op: 'gap_open', cameraId: this.cameraId, startMs: null, orMs: this.clock.now(), reason: gapReason });
    this.gapOpen = true;
    if (this.pausedFor) this.setState('paused', this.pausedFor, `${this.pausedFor}: recording paused while storage '${this.o.storage.id}' is full (free space or release legal holds)`);
    else this.launch();
  }

  /** Stops ffmpeg cleanly, indexes what it wrote, records the gap; spooled entries stay on disk if the store is down. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.sup?.stop();
    this.sup = undefined;
    await this.chain;
    this.setState('stopped', 'stopped', this.st.lastError); // the last problem stays visible
    await Promise.race([this.journal.idle(), sleep(2000)]);
    await this.journal.close();
    await Promise.race([this.health.flush(), sleep(2000)]);
    this.health.close();
  }

  /** Storage gate: stop writing and keep a gap open with `reason` until resume(). */
  async pause(reason: GapReason): Promise<void> {
    if (this.pausedFor || this.stopped) return;
    this.pausedFor = reason;
    await this.sup?.stop();
    this.sup = undefined;
    await this.chain;
    this.setState('paused', reason, `${reason}: recording paused while storage '${this.o.storage.id}' is full (free space or release legal holds)`);
  }

  resume(): void {
    if (!this.pausedFor || this.stopped) return;
    this.pausedFor = null;
    this.launch();
  }

  /** A changed source (URL, transport, credentials) applies at once: the running ffmpeg is replaced. */
  update(camera: RecorderCamera): void {
    this.camera = camera;
    this.sup?.restart();
  }

  /** Resolves when every closed segment is processed and indexed (tests, benchmarks). */
  async idle(): Promise<void> {
    await this.chain;
    await this.journal.idle();
  }

  private launch(): void {
    const r = this.o.recording;
    const sup = new Supervisor({
      spawn: () => this.spawn(),
      initialDelayMs: r.restartInitialDelayMs,
      maxDelayMs: r.restartMaxDelayMs,
      stallTimeoutMs: r.stallTimeoutMs,
      maxRestarts: r.maxRestarts,
      restartWindowMs: r.restartWindowMs,
      log: this.log,
      ...this.o.supervisor,
    });
    sup.on('started', ({ pid }) => {
      this.log.debug({ pid }, 'ffmpeg started');
      if (this.st.state !== 'online' && this.st.state !== 'failed') this.setState('starting', this.st.reason, this.st.lastError);
    });
    sup.on('stalled', ({ idleMs }) => this.log.warn({ idleMs }, 'recording stalled (no output); restarting ffmpeg'));
    sup.on('exited', (e) => {
      const run = this.run;
      if (run) this.enqueue('run end', () => this.afterRun(run, e));
    });
    sup.on('failed', ({ restarts, windowMs, delayMs }) => {
      const why = `failed: ffmpeg restarted ${restarts} times in ${Math.round(windowMs / 60_000)} min; retrying every ${Math.round(delayMs / 1000)} s. Last cause: ${this.st.lastError ?? 'unknown'}`;
      this.log.error({ restarts, windowMs }, 'recording keeps failing; camera marked failed');
      this.setState('failed', this.st.reason, why);
    });
    this.sup = sup;
    sup.start();
  }

  private spawn() {
    const run: Run = { id: this.clock.now(), timeline: new RunTimeline(this.clock.now(), Math.max(30_000, 3000 * this.o.recording.segmentSeconds)), stderr: [], facts: null, seen: new Set(), lastOutMs: -1 };
    this.run = run;
    const args = recordArgs(ffmpegInputArgs(this.camera.source, { defaultTransport: this.o.recording.rtspTransport, timeoutMs: this.o.sourceTimeoutMs }), {
      segmentSeconds: this.o.recording.segmentSeconds,
      stallTimeoutMs: this.o.recording.stallTimeoutMs,
      output: path.join(this.closer.incomingDir, `${run.id}-%06d.ts`),
    });
    const child = spawnFfmpeg(this.o.tools, args, {
      stdout: 'pipe',
      log: this.log.child({ scope: 'ffmpeg' }),
      onStderrLine: (line) => {
        run.stderr.push(line);
        if (run.stderr.length > 40) run.stderr.shift();
        if (!run.facts && line.includes('Stream #')) run.facts = parseStreamLine(line);
      },
    });
    const parser = new StdoutParser({
      progress: (p) => {
        if (p.outTimeMs === null || p.outTimeMs <= run.lastOutMs) return;
        run.lastOutMs = p.outTimeMs;
        run.timeline.observe(this.clock.now(), p.outTimeMs);
        this.sup?.touch();
      },
      segment: (e) => {
        const wall = this.clock.now();
        this.sup?.touch();
        this.enqueue('segment', () => this.closeListed(run, e, wall));
      },
    });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => parser.push(d));
    return child;
  }

  /** Close jobs and run ends are processed one at a time, in order; a failure is logged, never fatal. */
  private enqueue(what: string, fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: unknown) => {
      this.log.error({ job: what, err: errorMessage(err) }, 'segment processing failed; the file stays in .incoming and is indexed at the next start');
    });
  }

  private async closeListed(run: Run, e: SegmentListEntry, wall: number): Promise<void> {
    run.seen.add(e.file);
    const i = await this.closer.inspect(e.file);
    if (!i) return;
    const p = run.timeline.place(e.startSec, e.endSec, wall, i.m.durationMs);
    if (p.reanchored) this.log.warn({ file: e.file }, 'stream time jumped; segment placed after the previous one on the local clock');
    await this.indexed(await this.closer.place(i, { startMs: p.startMs, endMs: p.endMs, listed: true, width: run.facts?.width ?? null, height: run.facts?.height ?? null }));
  }

  /** A file ffmpeg never listed: the cut-off end of a killed run, or a leftover of a previous process. */
  private async closeUnlisted(name: string, run: Run | null, facts: StreamFacts | null): Promise<void> {
    run?.seen.add(name);
    const i = await this.closer.inspect(name);
    if (!i) return;
    const timeline = run?.timeline ?? new RunTimeline(0, 0);
    const p = timeline.placeUnlisted(i.m.durationMs, i.mtimeMs);
    await this.indexed(await this.closer.place(i, { startMs: p.startMs, endMs: p.endMs, listed: false, width: facts?.width ?? null, height: facts?.height ?? null }));
  }

  private async indexed(seg: NewSegment): Promise<void> {
    if (this.gapOpen) {
      await this.journal.push({ op: 'gap_close', cameraId: this.cameraId, endMs: seg.startMs }, { op: 'segment', seg });
      this.gapOpen = false;
    } else await this.journal.push({ op: 'segment', seg });
    this.st.segments++;
    this.st.lastSegmentAt = seg.endMs;
    if (seg.status !== 'ok') this.log.warn({ path: seg.path, status: seg.status }, 'segment indexed as damaged (playable up to the damage)');
    this.emit('segment', seg);
    if (this.st.state !== 'online' && this.sup?.state === 'running') this.setState('online', null, null);
    else if (seg.createdAt - this.healthAt >= HEALTH_EVERY_MS) {
      this.healthAt = seg.createdAt; // last_segment_at at most every 30 s: one store write per segment is enough (the index)
      this.health.set({ lastSegmentAt: seg.endMs });
    }
  }

  private async afterRun(run: Run, e: ExitInfo): Promise<void> {
    const names = (await readdir(this.closer.incomingDir)).filter((n) => n.startsWith(`${run.id}-`) && n.endsWith('.ts') && !run.seen.has(n)).sort();
    for (const name of names) await this.closeUnlisted(name, run, run.facts);
    const reason = this.reasonOf(run, e);
    await this.journal.push({ op: 'gap_open', cameraId: this.cameraId, startMs: run.timeline.lastEndMs ?? run.timeline.startedAt, reason });
    this.gapOpen = true;
    if (e.cause === 'stopped') return; // stop()/pause() set the state
    this.st.restarts++;
    const failure = describe(reason);
    // warn when something changes; the same failure again (every back-off) only at debug
    const level = reason === this.st.reason && this.st.state !== 'online' ? 'debug' : 'warn';
    this.log[level]({ reason, code: e.code, signal: e.signal, runMs: e.runMs, retryInMs: e.nextDelayMs, ...(e.error ? { err: e.error } : {}) }, 'recording interrupted');
    this.setState(this.st.state === 'failed' ? 'failed' : 'offline', reason, failure);
  }

  private reasonOf(run: Run, e: ExitInfo): GapReason {
    if (e.cause === 'stalled') return 'stalled';
    if (e.cause === 'restarted') return 'restarted';
    if (e.cause === 'stopped') return this.pausedFor ?? 'stopped';
    if (e.cause === 'spawn_failed') return 'exited';
    return classifyFailure(run.stderr);
  }

  private setState(state: RecorderState, reason: GapReason | null, lastError: string | null): void {
    const changed = state !== this.st.state || lastError !== this.st.lastError;
    this.st = { ...this.st, state, reason, lastError };
    const healthState = state === 'paused' || state === 'stopped' ? 'offline' : state;
    const patch = { state: healthState, lastError, reconnects: this.st.restarts, lastSegmentAt: this.st.lastSegmentAt } as const;
    if (state === 'online') this.health.setStatus('online', undefined, patch);
    else if (state === 'starting') this.health.set(patch);
    else this.health.setStatus('offline', reason ?? undefined, patch);
    if (changed) this.emit('status', this.status());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
