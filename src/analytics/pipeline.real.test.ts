import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openSmartView, type SmartView } from '../app/app';
import { MemoryBus } from '../bus/memory';
import { cameraInputSchema } from '../cameras/camera.model';
import { parseConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS, runFfmpeg } from '../media/ffmpeg';
import { RuleEngine } from '../rules/engine';
import { RulesRepository } from '../rules/rules.repository';
import { analyticsSettingsSchema, ruleDefinitionSchema } from '../rules/model';
import { sampleFile } from '../sample/file-sampler';
import { SHARED_DIR, sharedSkip } from '../../test/support/shared';
import { CameraPipeline } from './pipeline';
import { cameraSink, newGate, newTracker } from './wiring';

/**
 * The live pipeline end to end with every real stage: the file sampler (ffmpeg) over real footage
 * of people walking, the motion gate, the shared detector pool (YOLOX-nano in a worker thread),
 * ByteTrack, the rule engine and the event sink writing events, snapshots and alerts to the store.
 */
const SKIP = sharedSkip('models/detection/yolox_nano_416.onnx') || sharedSkip('media/intel-sample-videos/one-by-one-person-detection.mp4');
let dir: string;
let sv: SmartView;
let clip: string;

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-pipeline-'));
  // 15 s with one person walking in (at about 1.5 s) and across the room.
  clip = path.join(dir, 'person.mp4');
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-ss', '5', '-t', '15', '-i', path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4'), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', clip], { timeoutMs: 60_000 });
  const config = parseConfig({
    dataDir: dir,
    store: { engine: 'sqlite' },
    log: { level: 'silent' },
    analytics: { detector: { model: path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx'), family: 'yolox' }, pool: { workers: 1 } },
  });
  sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
  await sv.orgs.ensureDefault();
  await sv.cameras.create({ principal: null, ip: null }, cameraInputSchema.parse({ id: 'cam-room', name: 'Room', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: 'rtsp://10.0.0.9/room' } }));
});
after(async () => {
  if (SKIP) return;
  await sv.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(o: { rules: boolean; gate: boolean; jobId?: string }) {
  const pool = await sv.analytics.pool();
  const zone = { ...ruleDefinitionSchema.parse({ kind: 'zone', name: 'Room entry', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], mode: 'presence', severity: 'high', classes: ['person'] }), id: 'r-room' };
  const settings = analyticsSettingsSchema.parse({ enabled: true });
  const pipeline = new CameraPipeline({
    source: 'cam-room',
    stages: {
      pool,
      gate: o.gate ? newGate() : null,
      tracker: newTracker(),
      rules: o.rules ? new RuleEngine([zone], settings, { width: 768, height: 432 }) : null,
      sink: cameraSink(sv.eventSink, 'cam-room', o.jobId),
    },
    detect: { classes: ['person'] },
    log: silentLogger(),
  });
  const t0 = Date.UTC(2026, 10, 20, 2, 0, 0);
  for await (const f of sampleFile(DEFAULT_TOOLS, clip, { fps: 2, maxSide: 416 })) await pipeline.process({ ...f, tMs: t0 + f.tMs });
  await pipeline.flush();
  return pipeline.stats();
}

test('a person walking through produces a stored track (appeared … ended) with a snapshot', { skip: SKIP }, async () => {
  const stats = await run({ rules: false, gate: false, jobId: 'job-tracks' });
  assert.ok(stats.frames >= 28 && stats.frames <= 31, `15 s at 2 fps, got ${stats.frames}`);
  assert.equal(stats.detectorCalls, stats.frames);
  assert.ok(stats.tracks >= 1, 'the person is tracked');
  const rows = await sv.store.db.selectFrom('analytics_events').selectAll().where('job_id', '=', 'job-tracks').execute();
  const people = rows.filter((r) => r.kind === 'track' && r.label === 'person');
  assert.ok(people.length >= 1, JSON.stringify(rows));
  assert.ok(people.every((r) => r.ended_at !== null), 'every track was ended by the flush');
  assert.ok(people.some((r) => r.snapshot !== null), 'the best crop is stored as the snapshot');
  const alerts = await sv.store.db.selectFrom('alerts').selectAll().execute();
  assert.equal(alerts.length, 0, 'tracks alone raise no alert');
});

test('a zone rule on the live path stores a rule event and raises an alert', { skip: SKIP }, async () => {
  const stats = await run({ rules: true, gate: true });
  assert.ok(stats.ruleHits >= 1, JSON.stringify(stats));
  assert.ok(stats.gatedOut < stats.frames, 'the moving person opens the gate');
  const rule = await sv.store.db.selectFrom('analytics_events').selectAll().where('kind', '=', 'rule').where('job_id', 'is', null).execute();
  assert.ok(rule.some((r) => r.rule_id === 'r-room' && r.label === 'person' && r.severity === 'high'), JSON.stringify(rule));
  const alerts = await sv.store.db.selectFrom('alerts').selectAll().where('camera_id', '=', 'cam-room').execute();
  assert.ok(alerts.length >= 1, 'the rule asks for an alert');
  assert.equal(alerts[0]!.state, 'open');
  assert.ok(rule.some((r) => r.id === alerts[0]!.event_id));
});

test('a camera with ANPR switched on records one plate sighting per vehicle track through the real factory', { skip: SKIP || sharedSkip('plates/ccpd-samples') }, async () => {
  // A CCPD car (plate 皖A5P237) pasted on a plain background, driving right for 3 s.
  const car = path.join(SHARED_DIR, 'plates/ccpd-samples/ccpd_base/0201101532567-91_84-128&481_405&570-420&572_124&569_112&477_408&480-0_0_29_13_26_27_31-144-81.jpg');
  const carClip = path.join(dir, 'car.mp4');
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-f', 'lavfi', '-i', 'color=c=0x556655:s=1280x720:r=10:d=3', '-loop', '1', '-i', car,
    '-filter_complex', "[1]scale=432:696[car];[0][car]overlay=x='100+t*120':y=12:shortest=1,format=yuv420p", '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', carClip], { timeoutMs: 60_000 });
  // The built-in detector (YOLOX-nano hardly sees this close-up car): a SmartView of its own.
  const own = await openSmartView(parseConfig({ dataDir: path.join(dir, 'anpr'), store: { engine: 'sqlite' }, log: { level: 'silent' }, analytics: { pool: { workers: 1 } } }), silentLogger(), { busOverride: new MemoryBus() });
  await own.orgs.ensureDefault();
  const sv = own;
  try {
    await sv.cameras.create({ principal: null, ip: null }, cameraInputSchema.parse({ id: 'cam-gate', name: 'Gate', owner: 'police', location: { lat: 22.31, lon: 114.21, district: 'Central' }, source: { url: 'rtsp://10.0.0.9/gate' } }));
    await new RulesRepository(sv.store.db).putSettings('cam-gate', analyticsSettingsSchema.parse({ enabled: true, anpr: true, classes: ['car', 'truck', 'bus'] }), Date.now());

    const built = await sv.analytics.factory.build({ cameraId: 'cam-gate' });
    assert.ok(built.stages.anpr, 'the factory adds the ANPR stage for a camera whose settings ask for it');
    assert.ok(built.maxSide >= 1280, `ANPR cameras are sampled large enough for plates (maxSide ${built.maxSide})`);
    const pipeline = new CameraPipeline({ source: 'cam-gate', stages: built.stages, detect: built.detect, gateMinScore: built.gateMinScore, log: silentLogger() });
    const t0 = Date.now() - 60_000;
    for await (const f of sampleFile(DEFAULT_TOOLS, carClip, { fps: 4, maxSide: built.maxSide })) await pipeline.process({ ...f, tMs: t0 + f.tMs });
    await pipeline.flush();

    const rows = await sv.store.db.selectFrom('plate_sightings').selectAll().where('camera_id', '=', 'cam-gate').execute();
    assert.equal(rows.length, 1, JSON.stringify({ plates: rows.map((r) => r.plate), pipeline: pipeline.stats(), anpr: (built.stages.anpr as unknown as { stats(): unknown }).stats() }));
    assert.equal(rows[0]!.plate, '皖A5P237');
    assert.ok(rows[0]!.seen_at >= t0 && rows[0]!.seen_at <= t0 + 3000);
  } finally {
    await own.close();
  }
});

test('tracks of a live camera are indexed for forensic search when they end (through the real factory)', { skip: SKIP }, async () => {
  const built = await sv.analytics.factory.build({ cameraId: 'cam-room' });
  assert.ok(built.detect.classes?.includes('backpack'), 'carried items are detected for the index');
  assert.ok(built.stages.trackLabels && !built.stages.trackLabels.includes('backpack'), 'but not tracked on their own');
  const pipeline = new CameraPipeline({ source: 'cam-room', stages: built.stages, detect: built.detect, gateMinScore: built.gateMinScore, log: silentLogger() });
  const t0 = Date.now() - 120_000;
  for await (const f of sampleFile(DEFAULT_TOOLS, clip, { fps: 2, maxSide: built.maxSide })) await pipeline.process({ ...f, tMs: t0 + f.tMs });
  await pipeline.flush();
  await sv.forensic.indexer.idle();
  const rows = await sv.store.db.selectFrom('search_tracks').selectAll().where('camera_id', '=', 'cam-room').execute();
  assert.ok(rows.some((r) => r.class === 'person'), JSON.stringify(rows.map((r) => r.class)));
});
