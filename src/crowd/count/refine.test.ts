import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../detect/types';
import { planRefinement, REFINE_DEFAULTS, resolveRefine, subTiles } from './refine';
import { fromDetections, mergeCandidates, type Candidate, type Tile } from './tiling';

const person = (x: number, y: number, w: number, h: number, score = 0.8): Detection => ({ label: 'person', classId: 0, score, box: [x, y, w, h] });
// the 1080p grid: 3×2 tiles of 744 px, shown to a 512 px model at 0.69×
const TILES: Tile[] = [0, 588, 1176].flatMap((x) => [0, 336].map((y) => ({ x, y, w: 744, h: 744 })));

test('subTiles: 2×2 squares at the corners of the tile, overlapping by 20 % of the tile', () => {
  const s = subTiles({ x: 100, y: 50, w: 744, h: 744 }, 0.6);
  assert.deepEqual(s, [
    { x: 100, y: 50, w: 446, h: 446 },
    { x: 398, y: 50, w: 446, h: 446 },
    { x: 100, y: 348, w: 446, h: 446 },
    { x: 398, y: 348, w: 446, h: 446 },
  ]);
});

test('planRefinement: only tiles with enough small people are refined, most people first, capped', () => {
  const o = resolveRefine({ subMinPeople: 1 });
  const small = (tile: number, n: number, h = 40): Candidate[] => fromDetections(Array.from({ length: n }, (_, i) => person(20 + i * 120, 200, 15, h, 0.3)), TILES[tile]!, tile, 1920, 1080);
  // tile 0: 5 people 40 px tall in the frame = 27.5 model px → small; tile 1: 6 small; tile 2: 5 people 200 px (137 model px) → large;
  // tile 3: 2 small (too few); tile 4: 5 small below the probe threshold
  const cands = [...small(0, 5), ...small(1, 6), ...small(2, 5, 200), ...small(3, 2), ...small(4, 5).map((c) => ({ ...c, score: 0.1 }))];
  const plan = planRefinement(TILES, cands, o);
  // people at y 200..240 of the tiles: their centres lie in the top sub-tiles (k 0, 1) only
  assert.deepEqual(plan.map((p) => [p.parent, p.k]), [[1, 0], [1, 1], [0, 0], [0, 1]]);
  assert.deepEqual(planRefinement(TILES, cands, { ...o, subMinPeople: 0 }).map((p) => [p.parent, p.k]), [[1, 0], [1, 1], [1, 2], [1, 3], [0, 0], [0, 1], [0, 2], [0, 3]]);
  assert.deepEqual(planRefinement(TILES, cands, { ...o, maxTiles: 1 }).map((p) => p.parent), [1, 1]);
  assert.deepEqual(planRefinement(TILES, cands, { ...o, enabled: false }), []);
  assert.deepEqual(planRefinement(TILES, [], o), [], 'an empty frame is not refined');
});

test('resolveRefine: defaults, and bad options refused with the field named', () => {
  assert.deepEqual(resolveRefine(undefined), REFINE_DEFAULTS);
  assert.equal(resolveRefine({ maxTiles: 0 }).maxTiles, 0);
  assert.throws(() => resolveRefine({ subTile: 0.4 }), /subTile/);
  assert.throws(() => resolveRefine({ minPeople: 0 }), /minPeople/);
  assert.throws(() => resolveRefine({ probeThreshold: 1.2 }), /probeThreshold/);
});

test('a person seen by the coarse tile and by two overlapping sub-tiles is counted once', () => {
  const t = TILES[0]!;
  const [s0, s1] = subTiles(t, 0.6);
  // frame box [420, 100, 24, 60]: inside the sub-tile overlap [398, 446)
  const cands = [
    ...fromDetections([person(421, 101, 23, 58, 0.4)], t, 0, 1920, 1080),
    ...fromDetections([person(420, 100, 24, 60, 0.6)], s0!, 6, 1920, 1080),
    ...fromDetections([person(420 - s1!.x, 99, 25, 61, 0.55)], s1!, 7, 1920, 1080),
  ];
  assert.equal(mergeCandidates(cands).length, 1);
});
