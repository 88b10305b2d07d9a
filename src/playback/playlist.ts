import { ABUT_TOLERANCE_MS, type Gap } from './timeline';

/**
 * HLS VOD playlists (RFC 8216) over recorded MPEG-TS segments, served as they are on disk.
 *  - EXTINF from the index's start/end ms (wall clock), so the playlist's timeline is real time;
 *  - EXT-X-PROGRAM-DATE-TIME at the start and after every discontinuity, so a player maps its
 *    position back to the wall clock (hls.js: frag.programDateTime);
 *  - EXT-X-DISCONTINUITY wherever one recorder run ends and another begins (a hole in time or a
 *    gap row): the timestamps inside the TS restart there;
 *  - EXT-X-START at the requested `from`, so playback begins where the user asked.
 */
export interface PlaylistSegment {
  id: number;
  startMs: number;
  endMs: number;
}

export interface PlaylistOptions {
  fromMs: number;
  /** URI of a segment in the playlist (relative or absolute). */
  uri(segment: PlaylistSegment): string;
  gaps?: readonly Gap[];
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/** Segments in time order without overlaps (a later segment starting inside an earlier one is dropped). */
export function playableSequence(segments: readonly PlaylistSegment[]): PlaylistSegment[] {
  const out: PlaylistSegment[] = [];
  for (const s of [...segments].sort((a, b) => a.startMs - b.startMs || a.id - b.id)) {
    if (s.endMs <= s.startMs) continue;
    const prev = out[out.length - 1];
    if (prev && s.startMs < prev.endMs - ABUT_TOLERANCE_MS) continue;
    out.push(s);
  }
  return out;
}

/** A gap row that starts between two segments marks a new recorder run even when they look abutting. */
function gapBetween(gaps: readonly Gap[], prevEnd: number, nextStart: number): boolean {
  return gaps.some((g) => g.startMs >= prevEnd - ABUT_TOLERANCE_MS && g.startMs <= nextStart + ABUT_TOLERANCE_MS);
}

export function buildVodPlaylist(segments: readonly PlaylistSegment[], o: PlaylistOptions): string {
  const seq = playableSequence(segments);
  if (seq.length === 0) throw new Error('a playlist needs at least one segment');
  const target = Math.max(1, ...seq.map((s) => Math.ceil((s.endMs - s.startMs) / 1000)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0'];
  // Playback time of `from`: media time is the sum of EXTINFs, which skips the holes between runs.
  let mediaMs = 0;
  let startOffsetMs = 0;
  for (const s of seq) {
    if (o.fromMs >= s.endMs) mediaMs += s.endMs - s.startMs;
    else {
      startOffsetMs = mediaMs + Math.max(0, o.fromMs - s.startMs);
      break;
    }
  }
  if (startOffsetMs > 0) lines.push(`#EXT-X-START:TIME-OFFSET=${secs(startOffsetMs)},PRECISE=YES`);
  let prev: PlaylistSegment | null = null;
  for (const s of seq) {
    const discontinuous = prev !== null && (s.startMs - prev.endMs > ABUT_TOLERANCE_MS || gapBetween(o.gaps ?? [], prev.endMs, s.startMs));
    if (discontinuous) lines.push('#EXT-X-DISCONTINUITY');
    if (prev === null || discontinuous) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startMs).toISOString()}`);
    lines.push(`#EXTINF:${secs(s.endMs - s.startMs)},`, o.uri(s));
    prev = s;
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
