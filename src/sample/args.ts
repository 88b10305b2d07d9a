/**
 * How a sampler asks ffmpeg for frames: the output size (scaled once, aspect kept, even sides),
 * the cheapest decode for the rate (keyframes only when every sampled frame can be a keyframe)
 * and the arguments. Pure functions shared by the live and the file sampler.
 */

export interface Size {
  width: number;
  height: number;
}

/** The size a source is scaled to: longest side at most `maxSide`, aspect kept, even sides, never upscaled. */
export function fitWithin(source: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(source.width, source.height));
  const even = (x: number) => Math.max(2, Math.floor((x * scale) / 2) * 2);
  return { width: even(source.width), height: even(source.height) };
}

/**
 * Keyframe-only decoding pays when the sampling rate is at or below the keyframe rate (a keyframe
 * at least every 1/fps). 5 % slack for the jitter of live timestamps. Unknown GOP → full decode.
 */
export function keyframesSuffice(fps: number, gopMs: number | null | undefined): boolean {
  return gopMs !== null && gopMs !== undefined && gopMs > 0 && fps * gopMs <= 1050;
}

export interface SampleArgsOptions extends Size {
  /** Everything up to and including `-i` (may carry credentials: never logged unredacted). */
  inputArgs: readonly string[];
  fps: number;
  keyframesOnly: boolean;
  /**
   * 'steady' (files): the fps filter, frame n at n/fps of media time.
   * 'no-wait' (live): a frame is taken as soon as 1/fps has passed since the last one taken, so a
   * keyframe never waits for the next one (the fps filter holds each frame until it sees the next:
   * a whole GOP of latency in keyframe-only mode).
   */
  pacing: 'steady' | 'no-wait';
  /** Decoder threads (default 1: cheapest per frame; many cameras share the cores). */
  threads?: number;
}

/**
 * The rate part of the filter chain. Live ('no-wait'): a dense (fully decoded) stream takes the
 * first frame of each new 1/fps slot (exact mean rate); a sparse keyframe-only one takes a frame
 * once 0.9/fps has passed since the last (slot edges would let timestamp jitter skip a keyframe).
 */
export function rateFilter(fps: number, pacing: 'steady' | 'no-wait', keyframesOnly = false): string {
  // eof_action=pass: with keyframes only, the last slot would otherwise be lost (the filter waits for a next frame that never comes).
  if (pacing === 'steady') return `fps=${fps}:eof_action=pass`;
  if (!keyframesOnly) return `select='isnan(prev_selected_t)+gte(floor(t*${fps}),floor(prev_selected_t*${fps})+1)'`;
  const minGap = Math.round((0.9 / fps) * 1e6) / 1e6;
  return `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${minGap})'`;
}

/** ffmpeg arguments: video of the first stream, rate then one scale+convert to packed rgb24 on stdout. */
export function sampleArgs(o: SampleArgsOptions): string[] {
  const threads = String(o.threads ?? 1);
  return [
    '-loglevel', 'error',
    '-threads', threads,
    '-filter_threads', '1',
    ...(o.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    ...o.inputArgs,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', `${rateFilter(o.fps, o.pacing, o.keyframesOnly)},scale=${o.width}:${o.height}:flags=bilinear`,
    // Frames leave as the filters give them: no duplicates to fill a constant rate, no wait for a full pipe buffer.
    '-fps_mode', 'passthrough',
    '-flush_packets', '1',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
}
