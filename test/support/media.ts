import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Test media made with ffmpeg's lavfi sources (no files are committed): H.264, a moving test
 * pattern with the wall-clock time and frame number drawn on it, keyframe every `gopSeconds`.
 */
export interface TestClipOptions {
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  gopSeconds?: number;
  format?: 'mp4' | 'ts' | 'mkv';
  /** Draw a timestamp (for glass-to-glass measurements) — needs the drawtext filter. */
  overlayTime?: boolean;
}

export function makeTestClip(file: string, o: TestClipOptions): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const w = o.width ?? 640;
  const h = o.height ?? 360;
  const fps = o.fps ?? 25;
  const gop = Math.round((o.gopSeconds ?? 1) * fps);
  const vf = o.overlayTime ? ['-vf', "drawtext=text='%{localtime\\:%T} %{n}':x=10:y=10:fontsize=24:fontcolor=white:box=1:boxcolor=black"] : [];
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${fps}:duration=${o.seconds}`,
    ...vf,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-bf', '0',
    ...(o.format === 'ts' ? ['-f', 'mpegts'] : o.format === 'mkv' ? ['-f', 'matroska'] : ['-movflags', '+faststart']),
    file,
  ];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${file}: ${r.stderr || r.error?.message}`);
  return file;
}
