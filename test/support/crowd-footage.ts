import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Footage whose crowd steps up: `emptySeconds` of an empty grey scene, then `crowdSeconds` of a real
 * MOT17 frame full of pedestrians (../shared/mot), H.264 with a keyframe every second (so the crowd's
 * first frame is a keyframe and 1 fps sampling decodes keyframes only). Returns the path and the media
 * time (ms) at which the crowd appears. Used by the crowd end-to-end test and bench/crowd-alert-latency.ts.
 */
export function makeCrowdClip(out: string, o: { frame: string; emptySeconds: number; crowdSeconds: number; width?: number; height?: number; fps?: number }): { file: string; crowdAtMs: number } {
  const w = o.width ?? 1280;
  const h = o.height ?? 720;
  const fps = o.fps ?? 10;
  mkdirSync(path.dirname(out), { recursive: true });
  execFileSync('ffmpeg', [
    '-y', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `color=c=0x707070:s=${w}x${h}:r=${fps}:d=${o.emptySeconds}`,
    '-loop', '1', '-framerate', String(fps), '-t', String(o.crowdSeconds), '-i', o.frame,
    '-filter_complex', `[1:v]scale=${w}:${h},setsar=1,format=yuv420p[c];[0:v]format=yuv420p,setsar=1[e];[e][c]concat=n=2:v=1:a=0[v]`,
    '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', out,
  ], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  return { file: out, crowdAtMs: o.emptySeconds * 1000 };
}
