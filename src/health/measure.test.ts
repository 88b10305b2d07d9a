import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitrateOf, fpsFromProbe, gopMsFromProbe, summarise } from './measure';
import { CorruptTamperRecord, EMPTY_TAMPER, flagDiff, parseTamper, serializeTamper, TAMPERED_PREFIX } from './tamper-record';

test('bitrate over segments skips corrupt and empty ones', () => {
  const s = (startMs: number, endMs: number, bytes: number, status: 'ok' | 'corrupt' = 'ok') => ({ startMs, endMs, bytes, status });
  assert.equal(bitrateOf([s(0, 10_000, 125_000), s(10_000, 20_000, 125_000)]), 100_000);
  assert.equal(bitrateOf([s(0, 10_000, 125_000), s(10_000, 20_000, 9e9, 'corrupt'), s(5, 5, 100)]), 100_000);
  assert.equal(bitrateOf([]), null);
});

test('fps from the recorder probe: our shape, ffprobe\'s, or nothing', () => {
  assert.equal(fpsFromProbe('{"fps":12.5}'), 12.5);
  assert.equal(fpsFromProbe('{"video":{"fps":"30000/1001"}}'), 29.97);
  assert.equal(fpsFromProbe(JSON.stringify({ streams: [{ codec_type: 'audio', avg_frame_rate: '0/0' }, { codec_type: 'video', avg_frame_rate: '0/0', r_frame_rate: '25/1' }] })), 25);
  assert.equal(fpsFromProbe('not json'), null);
  assert.equal(fpsFromProbe(null), null);
  assert.equal(fpsFromProbe('{"streams":[]}'), null);
  assert.equal(gopMsFromProbe('{"fps":25,"gopSeconds":2}'), 2000);
  assert.equal(gopMsFromProbe('{"gopSeconds":null}'), null);
});

test('summary pivots counts into totals, owners and districts', () => {
  const s = summarise([
    { owner: 'police', district: 'Central', state: 'online', tampered: 1, n: 2 },
    { owner: 'police', district: 'Sha Tin', state: 'offline', tampered: 0, n: 1 },
    { owner: 'housing', district: 'Central', state: 'online', tampered: 0, n: 4 },
  ]);
  assert.deepEqual(s.total, { total: 7, states: { online: 6, offline: 1 }, tampered: 2 });
  assert.deepEqual(s.byOwner.map((o) => [o.owner, o.total, o.tampered]), [['housing', 4, 0], ['police', 3, 2]]);
  assert.deepEqual(s.byDistrict.map((d) => [d.district, d.total]), [['Central', 6], ['Sha Tin', 1]]);
});

test('the stored tamper record: flags first and sorted (the SQL prefix test), tolerant of empty, loud when corrupt', () => {
  const text = serializeTamper({ ...EMPTY_TAMPER, flags: ['moved', 'covered'], since: { moved: 2, covered: 1 }, lastSampleAt: 3 });
  assert.ok(text.startsWith(`${TAMPERED_PREFIX}covered","moved"]`), text);
  assert.ok(!serializeTamper(EMPTY_TAMPER).startsWith(TAMPERED_PREFIX));
  assert.deepEqual(parseTamper('c', text).flags, ['covered', 'moved']);
  assert.deepEqual(parseTamper('c', '{}'), EMPTY_TAMPER);
  assert.deepEqual(parseTamper('c', ''), EMPTY_TAMPER);
  assert.throws(() => parseTamper('c', '{"flags":'), CorruptTamperRecord);
  assert.throws(() => parseTamper('c', '{"flags":["melted"]}'), /flags/);
  assert.deepEqual(flagDiff(['covered', 'dark'], ['dark', 'moved']), { raised: ['moved'], cleared: ['covered'] });
});
