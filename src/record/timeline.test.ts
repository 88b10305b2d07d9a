import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunTimeline } from './timeline';

const T = 1_800_000_000_000;

test('a run is anchored to the wall clock by the least delayed observation; its segments abut', () => {
  const t = new RunTimeline(T, 30_000);
  t.observe(T + 1300, 1000); // anchor candidate T+300
  t.observe(T + 2250, 2000); // T+250: less delayed, wins
  const a = t.place(0, 2.96, T + 3300, 2960);
  const b = t.place(2.96, 4.96, T + 5300, 2000);
  assert.deepEqual(a, { startMs: T + 250, endMs: T + 3210, reanchored: false });
  assert.deepEqual(b, { startMs: T + 3210, endMs: T + 5210, reanchored: false });
  t.observe(T + 5000, 4900); // frozen after the first placement
  assert.equal(t.anchorMs, T + 250);
});

test('without progress reports the first segment-list line anchors the run', () => {
  const t = new RunTimeline(T, 30_000);
  assert.deepEqual(t.place(0, 2, T + 2100, 2000), { startMs: T + 100, endMs: T + 2100, reanchored: false });
});

test('a jump of the stream time is re-anchored: the segment follows the previous one', () => {
  const t = new RunTimeline(T, 30_000);
  t.place(0, 2, T + 2000, 2000);
  const j = t.place(3600, 3602, T + 4000, 2000); // the camera's clock jumped an hour
  assert.deepEqual(j, { startMs: T + 2000, endMs: T + 4000, reanchored: true });
  assert.deepEqual(t.place(3602, 3604, T + 6000, 2000), { startMs: T + 4000, endMs: T + 6000, reanchored: false });
});

test('the file length wins when the list disagrees by more than a second', () => {
  const t = new RunTimeline(T, 30_000);
  assert.deepEqual(t.place(0, 10, T + 10_000, 4000), { startMs: T, endMs: T + 4000, reanchored: false });
});

test('unlisted segments follow the run, or end at their last write', () => {
  const t = new RunTimeline(T, 30_000);
  t.place(0, 2, T + 2000, 2000);
  assert.deepEqual(t.placeUnlisted(700, T + 9999), { startMs: T + 2000, endMs: T + 2700, reanchored: false });
  const orphan = new RunTimeline(0, 0);
  assert.deepEqual(orphan.placeUnlisted(1500, T + 5000), { startMs: T + 3500, endMs: T + 5000, reanchored: false });
});
