/**
 * One ffmpeg run to completion whose stdout is raw video of a fixed frame size, as an async
 * iterator of frames (file and recording analysis). Back-pressure instead of dropping: ffmpeg
 * blocks on a full pipe while the consumer works, so nothing queues beyond the pipe. Cancellable
 * (the AbortSignal kills ffmpeg), stall-guarded (no output for stallMs while we are waiting on
 * ffmpeg kills it), and every failure names the input.
 */
import { OperationalError, UserError } from '../core/errors';
import { redactUrl } from '../core/logger';
import { spawnFfmpeg, type MediaTools } from './ffmpeg';
import { RawFrameReader } from './raw-frames';

export interface RawDecodeOptions {
  frameBytes: number;
  /** What errors name (the file path). */
  what: string;
  signal?: AbortSignal;
  /** ffmpeg gives no output for this long (not counting the consumer's time) → killed, error. Default 30 s. */
  stallMs?: number;
}

export async function* decodeRawFrames(tools: MediaTools, args: readonly string[], o: RawDecodeOptions): AsyncGenerator<Uint8Array> {
  o.signal?.throwIfAborted();
  const stallMs = o.stallMs ?? 30_000;
  const tail: string[] = [];
  const child = spawnFfmpeg(tools, args, {
    stdout: 'pipe',
    onStderrLine: (line) => {
      tail.push(line);
      if (tail.length > 4) tail.shift();
    },
  });
  let spawnError: Error | undefined;
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let lastOutput = Date.now();
  let consumerHasIt = false;
  let stalled = false;
  const watch = setInterval(() => {
    if (consumerHasIt) lastOutput = Date.now();
    else if (Date.now() - lastOutput >= stallMs && !stalled) {
      stalled = true;
      child.kill('SIGKILL');
    }
  }, Math.max(20, Math.min(1000, stallMs / 4)));
  const abort = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', abort, { once: true });
  const ready: Uint8Array[] = [];
  const reader = new RawFrameReader(o.frameBytes, (d) => ready.push(d));
  let frames = 0;
  try {
    for await (const chunk of child.stdout!) {
      lastOutput = Date.now();
      reader.push(chunk as Buffer);
      while (ready.length) {
        frames++;
        consumerHasIt = true;
        yield ready.shift()!;
        consumerHasIt = false;
        lastOutput = Date.now();
      }
    }
    const exit = await closed;
    if (o.signal?.aborted) throw o.signal.reason;
    if (spawnError) throw new OperationalError('media_tool_missing', `Cannot run ${tools.ffmpegPath} to decode ${o.what}: ${spawnError.message}. Is ffmpeg installed?`);
    if (stalled) {
      throw new OperationalError('video_stalled', `${o.what}: decoding stalled (no frame for ${Math.round(stallMs / 1000)} s after frame ${frames}); check that the file is complete and not still being written`);
    }
    if (exit.code !== 0) {
      const said = redactUrl(tail.join(' | ')).slice(0, 400) || `ffmpeg exit ${exit.code ?? exit.signal}`;
      throw frames
        ? new UserError('video_truncated', `${o.what} ended early: decoding failed after ${frames} frames (${said})`, { path: o.what, frames }, 422)
        : new UserError('video_undecodable', `${o.what} does not decode as a video: ${said}`, { path: o.what }, 422);
    }
  } finally {
    clearInterval(watch);
    o.signal?.removeEventListener('abort', abort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
