import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import { silentLogger } from '../../core/logger';
import type { Box, RgbImage } from '../../detect/types';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import type { Track, TrackEvent } from '../../track/types';
import { cropImage } from '../read/image';
import { PlateReader, type PlateRead } from '../read/reader';
import { AnprStage, type PlateReadPort } from './anpr-stage';
import { openPlatesSite, type PlatesSite } from './plates.fixtures';
import type { SightingInput } from './types';

const frame = (tMs: number, w = 320, h = 240): { tMs: number; rgb: RgbImage; sourceWidth: number; sourceHeight: number } => ({
  tMs, rgb: { width: w, height: h, data: new Uint8Array(w * h * 3).fill(128) }, sourceWidth: w * 2, sourceHeight: h * 2,
});
const track = (id: number, tMs: number, o: Partial<Track> = {}): Track => ({
  id, label: 'car', state: 'confirmed', box: [100, 100, 200, 150], score: 0.9, firstMs: 0, lastMs: tMs, hits: 5, trail: [{ tMs: 0, x: 100, y: 100 }, { tMs, x: 300, y: 110 }], ...o,
});

/** A reader that answers from a script: the stage's bounding and voting, not OCR, is under test here. */
class ScriptedReader implements PlateReadPort {
  calls: Array<{ width: number; height: number }> = [];
  constructor(private readonly answers: Array<PlateRead | null>, private readonly delayMs = 0) {}
  async readImage(img: RgbImage): Promise<PlateRead[]> {
    this.calls.push({ width: img.width, height: img.height });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const a = this.answers[(this.calls.length - 1) % this.answers.length];
    return a ? [a] : [];
  }
}
const read = (text: string, score: number): PlateRead => ({ text, score, box: [10, 10, 40, 12], grammar: 'hk' });

describe('ANPR stage (bounding and voting)', () => {
  test('votes per track and records one sighting when the track is lost; crops in the frame\'s pixels', async () => {
    const recorded: SightingInput[] = [];
    const reader = new ScriptedReader([read('AB1234', 0.8), read('A81234', 0.6), read('AB1234', 0.7)]);
    const stage = new AnprStage({ cameraId: 'c1', reader, sightings: { record: async (i) => void recorded.push(i) }, log: silentLogger(), maxReadsPerSecond: 100, confidentScore: 2 });
    for (let i = 0; i < 3; i++) {
      assert.equal(stage.offer(frame(i * 200), [track(1, i * 200)], []), true);
      await stage.idle();
    }
    assert.equal(reader.calls[0]!.width, 120, 'box ×1.2, scaled from source to frame pixels');
    assert.ok(Math.abs(reader.calls[0]!.height - 90) <= 1);
    stage.offer(frame(800), [], [{ type: 'lost', track: track(1, 600, { state: 'lost' }) }]);
    await stage.idle();
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.plate, 'AB1234');
    assert.equal(recorded[0]!.vehicleClass, 'car');
    assert.equal(recorded[0]!.direction, 'right');
    assert.equal(recorded[0]!.vehicleColour, 'grey');
    assert.equal(recorded[0]!.trackId, 1);
    assert.equal(recorded[0]!.seenAt, 0, 'time of the best agreeing read');
    assert.equal(stage.stats().sightings, 1);
  });

  test('a confident vote records early, once; people and small vehicles are not read', async () => {
    const recorded: SightingInput[] = [];
    const reader = new ScriptedReader([read('KT88', 0.97)]);
    const stage = new AnprStage({ cameraId: 'c1', reader, sightings: { record: async (i) => void recorded.push(i) }, log: silentLogger(), maxReadsPerSecond: 100 });
    for (let i = 0; i < 6; i++) {
      stage.offer(frame(i * 100), [track(2, i * 100), track(3, i * 100, { label: 'person' }), track(4, i * 100, { box: [0, 0, 20, 20] })], []);
      await stage.idle();
    }
    assert.equal(recorded.length, 1);
    assert.equal(reader.calls.length, 3, 'reading stops once the track is recorded');
    stage.offer(frame(700), [], [{ type: 'lost', track: track(2, 600, { state: 'lost' }) }]);
    await stage.flush();
    assert.equal(recorded.length, 1);
  });

  test('bounded: the rate limit and a busy reader drop work and count it', async () => {
    const recorded: SightingInput[] = [];
    const reader = new ScriptedReader([null], 30);
    const stage = new AnprStage({ cameraId: 'c1', reader, sightings: { record: async (i) => void recorded.push(i) }, log: silentLogger(), maxReadsPerSecond: 2, maxTracksPerFrame: 5 });
    const tracks = (t: number) => [1, 2, 3, 4].map((id) => track(id, t));
    assert.equal(stage.offer(frame(0), tracks(0), []), true);
    assert.equal(stage.offer(frame(10), tracks(10), []), false, 'busy: dropped');
    await stage.idle();
    for (let t = 1000; t <= 5000; t += 250) {
      stage.offer(frame(t), tracks(t), []);
      await stage.idle();
    }
    const s = stage.stats();
    assert.equal(s.framesBusy, 1);
    assert.ok(s.reads <= 2 + 2 * 5, `a burst of 2, then at most 2 reads/s over 5 s: ${s.reads}`);
    assert.ok(s.reads >= 8, `the budget is used: ${s.reads}`);
    assert.ok(s.readsThrottled > 0);
    const lost: TrackEvent[] = tracks(5000).map((t) => ({ type: 'lost', track: { ...t, state: 'lost' } }));
    stage.offer(frame(5100), [], lost);
    await stage.flush();
    assert.equal(recorded.length, 0);
    assert.equal(stage.stats().tracksWithoutPlate, 4);
  });
});

describe('ANPR stage on a real CCPD scene with PP-OCRv4', { skip: sharedSkip('plates/ccpd-samples') }, () => {
  let site: PlatesSite;
  let reader: PlateReader;
  before(async () => {
    site = await openPlatesSite('sqlite');
    reader = await PlateReader.load({ threads: 1 });
  });
  after(() => site?.cleanup());

  test('a vehicle track over three frames becomes one stored sighting with its crops', async () => {
    const file = '00622964559386-91_90-226&433_358&500-360&494_230&484_231&438_361&448-0_0_22_10_27_31_29-121-11.jpg';
    const img = await decodeImageFile(DEFAULT_TOOLS, path.join(SHARED_DIR, 'plates/ccpd-samples/ccpd_base', file));
    // A vehicle box around the plate (226,433)–(358,500), as a detector would give it.
    const vehicle: Box = [120, 250, 360, 290];
    const stage = new AnprStage({ cameraId: 'k-1', reader, sightings: site.plates.sightings, log: silentLogger(), tools: DEFAULT_TOOLS, maxReadsPerSecond: 10 });
    const f = (tMs: number) => ({ tMs, rgb: img, sourceWidth: img.width, sourceHeight: img.height });
    for (let i = 0; i < 3; i++) {
      stage.offer(f(1000 + i * 200), [track(9, 1000 + i * 200, { box: vehicle })], []);
      await stage.idle();
    }
    stage.offer(f(1800), [], [{ type: 'lost', track: track(9, 1400, { box: vehicle, state: 'lost' }) }]);
    await stage.idle();
    const direct = (await reader.readImage(cropImage(img, [vehicle[0] - 36, vehicle[1] - 29, vehicle[2] * 1.2, vehicle[3] * 1.2])))[0];
    assert.ok(direct, 'the reader finds the plate in the vehicle crop');
    assert.equal(stage.stats().sightings, 1, JSON.stringify(stage.stats()));
    const feed = await site.plates.sightings.recent({ principal: null, ip: null }, {}, 10);
    assert.equal(feed.items.length, 1);
    const s = feed.items[0]!;
    assert.equal(s.plate, direct.text, 'the voted read is the reader\'s read');
    assert.equal(s.trackId, 9);
    assert.ok(s.hasPlateCrop && s.hasVehicleCrop);
    const jpeg = await site.plates.sightings.crop({ principal: null, ip: null }, s.id, 'plate');
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  });
});
