import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LineWarning, parseCameras, parseHistory, parseQueryLine, parseTs } from './io';
import { answer, trainModel } from './offline';
import { Predictor } from './predict';

test('timestamps with or without fractional seconds and zone', () => {
  const t = Date.UTC(2026, 2, 3, 8, 15, 30);
  assert.equal(parseTs('2026-03-03T08:15:30Z'), t);
  assert.equal(parseTs('2026-03-03T08:15:30.250Z'), t + 250);
  assert.equal(parseTs('2026-03-03 08:15:30'), t);
  assert.equal(parseTs('2026-03-03T16:15:30+08:00'), t);
  assert.ok(Number.isNaN(parseTs('yesterday')));
  assert.ok(Number.isNaN(parseTs(42)));
});

const CAMS = 'camera_id,lat,lon\nA,22.3,114.1\nB,22.3,114.103\nC,22.3,114.106\nbad,north,114\n';

test('bad rows of cameras and history are skipped and reported with line numbers', () => {
  const w: LineWarning[] = [];
  const cams = parseCameras(CAMS, 'cameras.csv', (x) => w.push(x));
  assert.deepEqual(cams.map((c) => c.id), ['A', 'B', 'C']);
  assert.deepEqual(w.map((x) => [x.file, x.line]), [['cameras.csv', 5]]);
  w.length = 0;
  const future = Date.UTC(2026, 5, 1);
  const hist = [
    'plate,camera_id,ts',
    'P1,B,2026-03-03T08:01:00Z', // out of order: sorted
    'P1,A,2026-03-03T08:00:00Z',
    'P1,A,2026-03-03T08:00:00Z', // duplicate
    'P1,Z9,2026-03-03T08:02:00Z', // unknown camera
    'P1,C,2030-01-01T00:00:00Z', // future
    'P1,C,not-a-time',
    'P2,A,2026-03-03T09:00:00.5Z',
  ].join('\n');
  const { sightings, report } = parseHistory(hist, 'history.csv', new Set(['A', 'B', 'C']), future, (x) => w.push(x));
  assert.deepEqual(sightings.map((s) => `${s.plate}@${s.camera}`), ['P1@A', 'P1@B', 'P2@A']);
  assert.deepEqual(report, { rows: 7, skipped: 3, unknownCamera: 1, future: 1, duplicates: 1 });
  assert.deepEqual(w.map((x) => x.line), [5, 6, 7]);
  assert.match(w[0]!.message, /camera 'Z9' is not in the cameras file/);
  assert.match(w[1]!.message, /in the future/);
});

test('bad queries: not JSON, no id, unknown cameras, out of order, duplicates, after now, no history, unknown plate', () => {
  const w: LineWarning[] = [];
  assert.equal(parseQueryLine('{nope', 3, 'q.jsonl', (x) => w.push(x)), null);
  assert.equal(parseQueryLine('{"plate":"X"}', 4, 'q.jsonl', (x) => w.push(x)), null);
  assert.deepEqual(w.map((x) => x.line), [3, 4]);

  const cams = parseCameras(CAMS, 'c', () => {});
  const rows = [];
  for (let i = 0; i < 10; i++) {
    const t = Date.UTC(2026, 2, 3, 8 + i);
    rows.push({ plate: `P${i}`, camera: 'A', ts: t, line: 0 }, { plate: `P${i}`, camera: 'B', ts: t + 60_000, line: 0 }, { plate: `P${i}`, camera: 'C', ts: t + 120_000, line: 0 });
  }
  const pred = new Predictor(trainModel(cams, rows).model);
  const o = { top: 3, method: 'model' as const, detail: false, wallNow: Date.UTC(2026, 5, 1) };
  const q = (s: string) => parseQueryLine(s, 1, 'q.jsonl', () => {})!;

  const messy = answer(pred, q('{"id":"q1","plate":"P1","history":[{"camera_id":"B","ts":"2026-03-04T08:01:00Z"},{"camera_id":"Z9","ts":"2026-03-04T08:00:30Z"},{"camera_id":"A","ts":"2026-03-04T08:00:00Z"},{"camera_id":"A","ts":"2026-03-04T08:00:00Z"},{"camera_id":"C","ts":"2026-03-04T09:00:00Z"}],"now":"2026-03-04T08:01:00Z"}'), o);
  assert.equal(messy.candidates[0]!.camera_id, 'C');
  assert.equal(messy.warnings!.length, 4, JSON.stringify(messy.warnings));
  assert.ok(messy.warnings!.some((x) => /unknown camera\(s\) Z9/.test(x)));
  assert.ok(messy.warnings!.some((x) => /not in time order/.test(x)));
  assert.ok(messy.warnings!.some((x) => /duplicated/.test(x)));
  assert.ok(messy.warnings!.some((x) => /after "now"/.test(x)));

  const empty = answer(pred, q('{"id":"q2","plate":"P1","history":[{"camera_id":"Z9","ts":"2026-03-04T08:00:00Z"}]}'), o);
  assert.deepEqual(empty.candidates, []);
  assert.ok(empty.warnings!.some((x) => /nothing to predict/.test(x)));

  const stranger = answer(pred, q('{"id":"q3","plate":"NEW1","history":[{"camera_id":"A","ts":"2026-03-04T08:00:00Z"}],"now":"2026-03-04T08:00:20Z"}'), o);
  assert.equal(stranger.candidates[0]!.camera_id, 'B');
  // eta_s counts from "now", 20 s after the last sighting.
  assert.ok(Math.abs(stranger.candidates[0]!.eta_s - 40) < 1);
  assert.ok(stranger.warnings!.some((x) => /NEW1 has no earlier sightings/.test(x)));

  const future = answer(pred, q('{"id":"q4","history":[{"camera_id":"A","ts":"2031-01-01T00:00:00Z"}]}'), o);
  assert.ok(future.warnings!.some((x) => /in the future/.test(x)));
  assert.ok(future.warnings!.some((x) => /no "plate"/.test(x)));
});
