/** The counter on the process's shared DetectorPool (what the server uses), against the in-process detector. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyticsSchema } from '../../config/analytics.schema';
import { silentLogger } from '../../core/logger';
import { loadDefaultDetector } from '../../detect/default-detector';
import { createDetectorPool } from '../../detect/pool';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import { DetectorCounter, PERSON_THRESHOLD } from './detector-counter';
import { createCrowdCounter } from './index';

test('pool-backed counter: the default detector’s calibrated threshold, tiles in parallel on the workers, the same count as in-process; cancellation', { skip: sharedSkip('mot') }, async () => {
  const img = await decodeImageFile(DEFAULT_TOOLS, path.join(SHARED_DIR, 'mot/MOT17-02-FRCNN/img1/000001.jpg'));
  const pool = await createDetectorPool({ analytics: analyticsSchema.parse({ pool: { workers: 2, maxQueue: 16 } }), log: silentLogger() });
  const local = await loadDefaultDetector();
  try {
    const viaPool = await DetectorCounter.create({ pool, source: 'cam-1' });
    assert.equal(viaPool.threshold, PERSON_THRESHOLD);
    const a = await viaPool.count(img);
    const b = await (await DetectorCounter.create({ detector: local })).count(img);
    assert.ok(a.tiles >= 7, `whole frame + 6 tiles (+ refinement sub-tiles): ${a.tiles}`);
    assert.equal(a.tiles, b.tiles);
    assert.equal(a.count, b.count);
    assert.ok(Math.abs(a.count - 16) <= 3, `MOT17-02 frame 1: ${a.count}`);
    assert.equal(pool.stats().completed, a.tiles);
    const c = await createCrowdCounter({ kind: 'detector', pool, source: 'cam-2' });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(c.count(img, ac.signal), /cancelled/);
    await c.close(); // does not close the shared pool
    assert.equal((await viaPool.count(img)).count, a.count);
  } finally {
    await local.close();
    await pool.close();
  }
});
