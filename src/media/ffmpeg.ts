import { spawn, type ChildProcess } from 'node:child_process';
import { OperationalError } from '../core/errors';
import { redactUrl, type Logger } from '../core/logger';

/**
 * The one place that starts ffmpeg and ffprobe. Arguments may carry credentials (RTSP URLs):
 * they are never logged unredacted. stderr goes through a rate-limited logger.
 */
export interface MediaTools {
  ffmpegPath: string;
  ffprobePath: string;
}

export const DEFAULT_TOOLS: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

export function redactArgs(args: readonly string[]): string[] {
  return args.map((a) => redactUrl(a));
}

/**
 * A logger for a child's stderr that lets at most `perMinute` lines through (then counts drops).
 * With `-loglevel level+…` ffmpeg prefixes each line with its level: errors and warnings are
 * logged as warn, info and below as debug (the banner is noise at scale); unprefixed lines as info.
 * Only lines the logger would print count against the limit.
 */
export function rateLimitedLines(log: Logger, perMinute = 30): (line: string) => void {
  let windowStart = Date.now();
  let count = 0;
  let dropped = 0;
  return (line) => {
    const m = /^(\[[^\]]* @ [^\]]*\] )?\[(panic|fatal|error|warning|info|verbose|debug|trace)\] /.exec(line);
    const level = !m ? 'info' : ['panic', 'fatal', 'error', 'warning'].includes(m[2]!) ? 'warn' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    const now = Date.now();
    if (now - windowStart > 60_000) {
      if (dropped) log.warn({ dropped }, 'ffmpeg stderr lines dropped (rate limit)');
      windowStart = now;
      count = 0;
      dropped = 0;
    }
    if (++count > perMinute) {
      dropped++;
      return;
    }
    log[level]({ line: redactUrl(m ? (m[1] ?? '') + line.slice(m[0].length) : line).slice(0, 500) }, 'ffmpeg');
  };
}

export interface SpawnOptions {
  log?: Logger;
  /** stdout: 'pipe' to read media from it, 'ignore' otherwise. */
  stdout?: 'pipe' | 'ignore';
  stdin?: 'pipe' | 'ignore';
  /** Every stderr line, unredacted, for the caller's own parsing (never log it as is). */
  onStderrLine?: (line: string) => void;
}

/** Starts a long-running ffmpeg (recording, live remux, sampling); the caller supervises it. */
export function spawnFfmpeg(tools: MediaTools, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(tools.ffmpegPath, ['-hide_banner', '-nostdin', ...args], { stdio: [opts.stdin ?? 'ignore', opts.stdout ?? 'ignore', 'pipe'] });
  const emit = opts.log ? rateLimitedLines(opts.log) : undefined;
  let buf = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.search(/[\r\n]/)) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) continue;
      opts.onStderrLine?.(line);
      emit?.(line);
    }
    if (buf.length > 8192) buf = buf.slice(-8192);
  });
  return child;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** Runs a short ffmpeg/ffprobe command to completion (probe, snapshot, export). */
export function runTool(path: string, args: readonly string[], opts: { timeoutMs?: number; maxStdoutBytes?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    const max = opts.maxStdoutBytes ?? 64 * 1024 * 1024;
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > max) child.kill('SIGKILL');
      else out.push(d);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 65_536) stderr += d;
    });
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new OperationalError('media_tool_missing', `Cannot run ${path}: ${err.message}. Is ffmpeg installed (npm start installs it)?`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const err = redactUrl(stderr.trim()).split('\n').slice(-5).join(' | ');
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr });
      else if (signal) reject(new OperationalError('media_tool_timeout', `${path} was stopped (${signal}${outBytes > max ? ': output too large' : ': timed out'})`));
      else reject(new OperationalError('media_tool_failed', `${path} failed (exit ${code}): ${err}`, { details: { exitCode: code, stderr: err } }));
    });
  });
}

export function runFfmpeg(tools: MediaTools, args: readonly string[], opts?: { timeoutMs?: number; maxStdoutBytes?: number }): Promise<RunResult> {
  return runTool(tools.ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], opts);
}

export function runFfprobe(tools: MediaTools, args: readonly string[], opts?: { timeoutMs?: number }): Promise<RunResult> {
  return runTool(tools.ffprobePath, ['-hide_banner', '-loglevel', 'error', ...args], opts);
}
