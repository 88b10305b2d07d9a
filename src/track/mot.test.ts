import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../core/errors';
import { ByteTracker } from './bytetrack';
import { byteTrackerOptions } from './config';
import { formatMotRow, MotCollector, parseMotDetections } from './mot';

test('parses MOTChallenge detections per frame, extra columns ignored', () => {
  const m = parseMotDetections('# comment\n1,-1,10,20,30,40,0.9,-1,-1,-1\n\n1,-1,50.5,60,30,40,0.4\r\n3,-1,1,2,3,4,1\n', 'det.txt');
  assert.deepEqual([...m.keys()], [1, 3]);
  assert.deepEqual(m.get(1)!.map((d) => [d.box, d.score]), [[[10, 20, 30, 40], 0.9], [[50.5, 60, 30, 40], 0.4]]);
});

test('a malformed line is an error naming the file and line', () => {
  const bad = (text: string, re: RegExp) => assert.throws(() => parseMotDetections(text, 'det.txt'), (e: unknown) => e instanceof ValidationError && re.test(e.message));
  bad('1,-1,10,20,30,40,0.9\n2,-1,10,20,30\n', /^det\.txt line 2: 5 fields/);
  bad('1,-1,10,20,thirty,40,0.9\n', /^det\.txt line 1: a field is not a number/);
  bad('0,-1,10,20,30,40,0.9\n', /line 1: frame 0 is not a whole number ≥ 1/);
  bad('1,-1,10,20,0,40,0.9\n', /line 1: box width and height must be positive/);
});

test('MOT rows: integer ids, two decimals, and a track written from its first (tentative) frame', () => {
  assert.equal(formatMotRow({ frame: 3, id: 7, box: [1.234, 5, 10.005, 20], score: 0.98765 }), '3,7,1.23,5,10.01,20,0.988,-1,-1,-1');
  const t = new ByteTracker();
  const c = new MotCollector();
  const boxes = [[100, 100, 40, 100], [103, 100, 40, 100], [106, 100, 40, 100]] as const;
  boxes.forEach((b, i) => {
    const r = t.update({ tMs: i * 100, detections: [{ label: 'person', classId: 0, score: 0.9, box: [...b] }] });
    c.add(i + 1, i * 100, r.tracks, r.events);
  });
  const lines = c.lines();
  assert.deepEqual(lines.map((l) => l.split(',').slice(0, 2).join(',')), ['1,1', '2,1', '3,1']);
  assert.equal(lines[0], '1,1,100,100,40,100,0.9,-1,-1,-1', 'the first frame is the detection itself');
});

test('tracker options from config: the detector threshold is the confident score, new tracks start 0.1 above', () => {
  assert.deepEqual(byteTrackerOptions({ lostAfterMs: 5000, lowThreshold: 0.1, minHits: 3 }, 0.3), { highThreshold: 0.3, lowThreshold: 0.1, newTrackThreshold: 0.4, lostAfterMs: 5000, minHits: 3 });
  assert.deepEqual(byteTrackerOptions({ lowThreshold: 0.2 }, 0.05), { highThreshold: 0.05, lowThreshold: 0.05, newTrackThreshold: 0.15 });
  assert.equal(byteTrackerOptions({}, 0.95).newTrackThreshold, 1);
});
