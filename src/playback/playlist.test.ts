import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVodPlaylist, playableSequence } from './playlist';
import { parseRange } from './segment-file';
import { coveredMs, mergeRanges } from './timeline';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0); // 10:00 HKT
const seg = (id: number, startS: number, endS: number) => ({ id, startMs: T0 + startS * 1000, endMs: T0 + endS * 1000 });
const uri = (s: { id: number }) => `/api/playback/segments/${s.id}`;

describe('VOD playlist', () => {
  test('one run: VOD header, target duration, one PROGRAM-DATE-TIME, EXTINF from the index, ENDLIST', () => {
    const text = buildVodPlaylist([seg(1, 0, 10), seg(2, 10, 20), seg(3, 20, 29.96)], { fromMs: T0, uri });
    assert.deepEqual(text.split('\n'), [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-TARGETDURATION:10',
      '#EXT-X-MEDIA-SEQUENCE:0',
      `#EXT-X-PROGRAM-DATE-TIME:2026-11-24T02:00:00.000Z`,
      '#EXTINF:10.000,',
      '/api/playback/segments/1',
      '#EXTINF:10.000,',
      '/api/playback/segments/2',
      '#EXTINF:9.960,',
      '/api/playback/segments/3',
      '#EXT-X-ENDLIST',
      '',
    ]);
  });

  test('a hole between runs gets a DISCONTINUITY and a new PROGRAM-DATE-TIME; START at the requested time', () => {
    const text = buildVodPlaylist([seg(1, 0, 4), seg(2, 4, 8), seg(3, 20, 23.5)], { fromMs: T0 + 21_000, uri });
    const lines = text.split('\n');
    const disc = lines.indexOf('#EXT-X-DISCONTINUITY');
    assert.ok(disc > 0);
    assert.equal(lines[disc - 1], '/api/playback/segments/2');
    assert.equal(lines[disc + 1], '#EXT-X-PROGRAM-DATE-TIME:2026-11-24T02:00:20.000Z');
    assert.equal(lines.filter((l) => l === '#EXT-X-DISCONTINUITY').length, 1);
    // media time skips the hole: 8 s of the first run + 1 s into segment 3
    assert.ok(lines.includes('#EXT-X-START:TIME-OFFSET=9.000,PRECISE=YES'), text);
    assert.ok(lines.includes('#EXT-X-TARGETDURATION:4'), 'ceil(3.5) and 4 → 4');
  });

  test('a gap row between abutting-looking segments still marks a new run', () => {
    const text = buildVodPlaylist([seg(1, 0, 4), seg(2, 4.1, 8)], { fromMs: T0, uri, gaps: [{ startMs: T0 + 4000, endMs: T0 + 4100, reason: 'source_unreachable' }] });
    assert.equal(text.split('\n').filter((l) => l === '#EXT-X-DISCONTINUITY').length, 1);
    const noGap = buildVodPlaylist([seg(1, 0, 4), seg(2, 4.1, 8)], { fromMs: T0, uri });
    assert.ok(!noGap.includes('DISCONTINUITY'), 'within tolerance and no gap: one run');
  });

  test('overlapping duplicates are dropped, empty ones skipped, order fixed', () => {
    const seq = playableSequence([seg(3, 8, 12), seg(1, 0, 4), seg(2, 4, 8), seg(4, 5, 9), seg(5, 12, 12)]);
    assert.deepEqual(seq.map((s) => s.id), [1, 2, 3]);
    assert.throws(() => buildVodPlaylist([], { fromMs: T0, uri }), /at least one segment/);
  });
});

describe('timeline', () => {
  test('abutting segments merge into one range; holes stay; the window clips', () => {
    const ranges = mergeRanges([seg(2, 4, 8), seg(1, 0, 4), seg(3, 8.1, 12), seg(4, 20, 30)], T0 + 2000, T0 + 25_000);
    assert.deepEqual(ranges, [
      { startMs: T0 + 2000, endMs: T0 + 12_000 },
      { startMs: T0 + 20_000, endMs: T0 + 25_000 },
    ]);
    assert.equal(coveredMs(ranges), 15_000);
    assert.deepEqual(mergeRanges([seg(1, 0, 4)], T0 + 5000, T0 + 6000), []);
  });
});

describe('Range header', () => {
  test('single ranges, suffixes, open ends; unsatisfiable and unsupported forms', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
    assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=50-10', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-1,5-6', 1000), null, 'multiple ranges: whole file');
    assert.equal(parseRange('items=0-1', 1000), null);
    assert.equal(parseRange(undefined, 1000), null);
  });
});
