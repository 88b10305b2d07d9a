/**
 * Measures an MPEG-TS segment without spawning anything: video codec (from the PMT), duration and
 * keyframe offsets (from PES timestamps; a keyframe is an access unit that starts with an IDR/IRAP
 * NAL unit or carries the random-access flag), and how damaged the file is (lost sync, a partial
 * last packet, continuity-counter jumps). The recorder calls this for every closed segment, so it
 * must stay cheap: one pass over the bytes, no copies.
 */
export interface TsMeasure {
  codec: string; // h264 | hevc | mpeg2video | mpeg4 | unknown
  hasAudio: boolean;
  /** Video access units seen. */
  frames: number;
  /** Presentation time of the first frame, ms (stream time, as written by the muxer). */
  firstPtsMs: number | null;
  /** Last frame's PTS − first frame's PTS + one frame duration, ms. 0 when no frame was found. */
  durationMs: number;
  /** Keyframe offsets in ms from the first frame. */
  keyframesMs: number[];
  /** Bytes after the last whole 188-byte packet (a file cut mid-packet). */
  partialBytes: number;
  /** Packets that did not start with the sync byte (skipped). */
  syncErrors: number;
  /** Continuity-counter jumps on the video PID (lost packets). */
  ccErrors: number;
}

const PACKET = 188;
const STREAM_TYPES: Record<number, { codec: string; kind: 'video' | 'audio' }> = {
  0x01: { codec: 'mpeg1video', kind: 'video' }, 0x02: { codec: 'mpeg2video', kind: 'video' }, 0x10: { codec: 'mpeg4', kind: 'video' },
  0x1b: { codec: 'h264', kind: 'video' }, 0x24: { codec: 'hevc', kind: 'video' },
  0x03: { codec: 'mp2', kind: 'audio' }, 0x04: { codec: 'mp2', kind: 'audio' }, 0x0f: { codec: 'aac', kind: 'audio' }, 0x11: { codec: 'aac_latm', kind: 'audio' },
  0x81: { codec: 'ac3', kind: 'audio' }, 0x90: { codec: 'pcm_alaw', kind: 'audio' },
};
const PTS_WRAP = 2 ** 33;
const NAL_SCAN_BYTES = 4096;

function readPts(b: Buffer, o: number): number {
  return (b[o]! & 0x0e) * 2 ** 29 + b[o + 1]! * 2 ** 22 + (b[o + 2]! & 0xfe) * 2 ** 14 + b[o + 3]! * 2 ** 7 + (b[o + 4]! >> 1);
}

/**
 * Does this start of an access unit hold an IDR (H.264) or IRAP (HEVC) picture? true/false once the
 * first slice NAL unit is seen; null when the bytes end before it (scan on with more bytes).
 */
export function startsWithKeyframe(codec: string, b: Buffer, from: number, to: number): boolean | null {
  if (codec !== 'h264' && codec !== 'hevc') return false;
  for (let i = from; i + 3 < to; i++) {
    if (b[i + 2]! > 1) {
      i += 2; // no start code can begin at i, i+1 or i+2
      continue;
    }
    if (b[i] !== 0 || b[i + 1] !== 0 || b[i + 2] !== 1) continue;
    const h = b[i + 3]!;
    if (codec === 'h264') {
      const t = h & 0x1f;
      if (t === 5) return true;
      if (t >= 1 && t <= 4) return false; // the first slice is not IDR
    } else {
      const t = (h >> 1) & 0x3f;
      if (t >= 16 && t <= 21) return true;
      if (t <= 9) return false;
    }
    i += 3;
  }
  return null;
}

export function measureTs(buf: Buffer): TsMeasure {
  let pmtPid = -1;
  let videoPid = -1;
  let codec = 'unknown';
  let hasAudio = false;
  let syncErrors = 0;
  let ccErrors = 0;
  let lastCc = -1;
  const pts: number[] = [];
  const keys: boolean[] = [];
  // The start of the current video PES payload is scanned for its first slice NAL unit, packet by
  // packet (with a few bytes carried over, for a start code split between packets), until decided.
  let scanning = false;
  let scanned = 0;
  let carry: Buffer | null = null;
  const scan = (from: number, to: number) => {
    const chunk = carry ? Buffer.concat([carry, buf.subarray(from, to)]) : buf;
    const r = carry ? startsWithKeyframe(codec, chunk, 0, chunk.length) : startsWithKeyframe(codec, buf, from, to);
    scanned += to - from;
    if (r !== null || scanned >= NAL_SCAN_BYTES) {
      if (r) keys[keys.length - 1] = true;
      scanning = false;
      carry = null;
    } else carry = Buffer.from(buf.subarray(Math.max(from, to - 4), to));
  };

  const whole = buf.length - (buf.length % PACKET);
  let off = 0;
  while (off + PACKET <= buf.length) {
    if (buf[off] !== 0x47) {
      syncErrors++;
      const next = buf.indexOf(0x47, off + 1);
      if (next < 0) break;
      off = next;
      continue;
    }
    const pid = ((buf[off + 1]! & 0x1f) << 8) | buf[off + 2]!;
    const pusi = (buf[off + 1]! & 0x40) !== 0;
    const afc = (buf[off + 3]! >> 4) & 0x3;
    const cc = buf[off + 3]! & 0x0f;
    let p = off + 4;
    let rai = false;
    if (afc & 0x2) {
      const afLen = buf[p]!;
      if (afLen > 0) rai = (buf[p + 1]! & 0x40) !== 0;
      p += 1 + afLen;
    }
    const end = off + PACKET;
    if (afc & 0x1 && p < end) {
      if (pid === 0 && pusi) {
        const s = p + 1 + buf[p]!; // pointer field
        const sectionLen = ((buf[s + 1]! & 0x0f) << 8) | buf[s + 2]!;
        for (let e = s + 8; e + 4 <= Math.min(s + 3 + sectionLen - 4, end); e += 4) {
          const program = (buf[e]! << 8) | buf[e + 1]!;
          if (program !== 0) {
            pmtPid = ((buf[e + 2]! & 0x1f) << 8) | buf[e + 3]!;
            break;
          }
        }
      } else if (pid === pmtPid && pusi && videoPid < 0) {
        const s = p + 1 + buf[p]!;
        const sectionLen = ((buf[s + 1]! & 0x0f) << 8) | buf[s + 2]!;
        const infoLen = ((buf[s + 10]! & 0x0f) << 8) | buf[s + 11]!;
        const last = Math.min(s + 3 + sectionLen - 4, end);
        for (let e = s + 12 + infoLen; e + 5 <= last; ) {
          const type = STREAM_TYPES[buf[e]!];
          const esPid = ((buf[e + 1]! & 0x1f) << 8) | buf[e + 2]!;
          if (type?.kind === 'video' && videoPid < 0) {
            videoPid = esPid;
            codec = type.codec;
          } else if (type?.kind === 'audio') hasAudio = true;
          e += 5 + (((buf[e + 3]! & 0x0f) << 8) | buf[e + 4]!);
        }
      } else if (pid === videoPid) {
        if (lastCc >= 0 && cc !== ((lastCc + 1) & 0x0f) && cc !== lastCc) ccErrors++;
        lastCc = cc;
        if (pusi && buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 1) {
          const flags = buf[p + 7]!;
          const hdrLen = buf[p + 8]!;
          scanning = false;
          if (flags & 0x80) {
            pts.push(readPts(buf, p + 9));
            keys.push(rai);
            scanning = !rai; // the random-access flag settles it
            scanned = 0;
            carry = null;
          }
          p += 9 + hdrLen;
        }
        if (scanning && p < end) scan(p, end);
      }
    }
    off += PACKET;
  }
  return { codec, hasAudio, ...timing(pts, keys), partialBytes: buf.length - whole, syncErrors, ccErrors };
}

function timing(raw: number[], keys: boolean[]): Pick<TsMeasure, 'frames' | 'firstPtsMs' | 'durationMs' | 'keyframesMs'> {
  if (raw.length === 0) return { frames: 0, firstPtsMs: null, durationMs: 0, keyframesMs: [] };
  // Unwrap the 33-bit PTS relative to the first frame.
  const base = raw[0]!;
  const rel = raw.map((v) => {
    let d = v - base;
    if (d < -PTS_WRAP / 2) d += PTS_WRAP;
    else if (d > PTS_WRAP / 2) d -= PTS_WRAP;
    return d;
  });
  const min = Math.min(...rel);
  const max = Math.max(...rel);
  const sorted = [...rel].sort((a, b) => a - b);
  const deltas: number[] = [];
  for (let i = 1; i < sorted.length; i++) if (sorted[i]! > sorted[i - 1]!) deltas.push(sorted[i]! - sorted[i - 1]!);
  deltas.sort((a, b) => a - b);
  const frame = deltas.length ? deltas[Math.floor(deltas.length / 2)]! : 3600; // 40 ms at 90 kHz
  const keyframesMs: number[] = [];
  rel.forEach((v, i) => {
    if (keys[i]) keyframesMs.push(Math.round((v - min) / 90));
  });
  keyframesMs.sort((a, b) => a - b);
  return { frames: raw.length, firstPtsMs: Math.round((base + min) / 90), durationMs: Math.round((max - min + frame) / 90), keyframesMs };
}
