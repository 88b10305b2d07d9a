/** Shared by the recorder benchmarks: a pre-encoded clip, RTSP servers with many mounts, CPU time of processes. */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRtspServer, type RtspServer } from '../../test/support/rtsp';

export interface ClipSpec {
  width: number;
  height: number;
  fps: number;
  kbps: number;
  seconds: number;
  gopSeconds: number;
}

/**
 * An H.264 clip at about `kbps` (test pattern with noise, so the encoder really needs the bitrate),
 * cached in the temp dir across runs (never in the repo).
 */
export function benchClip(c: ClipSpec): string {
  const file = path.join(os.tmpdir(), `sv-bench-clip-${c.width}x${c.height}-${c.fps}fps-${c.kbps}k-${c.seconds}s-g${c.gopSeconds}.mp4`);
  if (existsSync(file)) return file;
  const gop = String(Math.round(c.fps * c.gopSeconds));
  const r = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${c.width}x${c.height}:rate=${c.fps}:duration=${c.seconds}`,
    '-vf', 'noise=alls=12:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-bf', '0',
    '-b:v', `${c.kbps}k`, '-maxrate', `${c.kbps}k`, '-bufsize', `${c.kbps * 2}k`,
    '-movflags', '+faststart', file,
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the bench clip: ${r.stderr}`);
  return file;
}

/** Measured bitrate of a file, kbit/s. */
export function fileKbps(file: string): number {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=bit_rate', '-of', 'default=nw=1:nk=1', file], { encoding: 'utf8' });
  return Math.round(Number(r.stdout.trim()) / 1000);
}

/** `n` mounts (/cam0 … /cam{n-1}) of the same clip spread over `servers` gst-rtsp-server processes. */
export async function rtspFarm(clip: string, n: number, servers: number): Promise<{ url(i: number): string; servers: RtspServer[]; pids(): number[]; stop(): Promise<void> }> {
  const per = Math.ceil(n / servers);
  const list: RtspServer[] = [];
  try {
    for (let s = 0; s * per < n; s++) {
      const mounts = [];
      for (let i = s * per; i < Math.min(n, (s + 1) * per); i++) mounts.push({ path: `/cam${i}`, file: clip });
      list.push(await startRtspServer({ mounts, readyTimeoutMs: 60_000 }));
    }
  } catch (err) {
    await Promise.all(list.map((x) => x.stop()));
    throw err;
  }
  return {
    url: (i) => list[Math.floor(i / per)]!.url(`/cam${i}`),
    servers: list,
    pids: () => list.map((x) => x.pid).filter((p): p is number => p !== undefined),
    stop: async () => void (await Promise.all(list.map((x) => x.stop()))),
  };
}

let tick: number | undefined;
function clkTck(): number {
  tick ??= Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  return tick;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  return (Number(f[11]) + Number(f[12])) / clkTck(); // utime (14), stime (15)
}

/** CPU seconds of this Node process so far. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function loadAverage(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}
