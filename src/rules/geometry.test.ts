import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as geometry from './geometry';
import { angleDiffDeg, headingDeg, pointInPolygon, polygonArea, segmentsIntersect, selfIntersects, signedArea, signedDistance, type Pt } from './geometry';

const square: Pt[] = [[0, 0], [1, 0], [1, 1], [0, 1]];
// A "U": the notch (0.4..0.6, 0..0.7) is outside.
const concave: Pt[] = [[0, 0], [0.4, 0], [0.4, 0.7], [0.6, 0.7], [0.6, 0], [1, 0], [1, 1], [0, 1]];

describe('point in polygon', () => {
  test('inside, outside, and the border counts as inside', () => {
    assert.equal(pointInPolygon([0.5, 0.5], square), true);
    assert.equal(pointInPolygon([1.5, 0.5], square), false);
    assert.equal(pointInPolygon([-0.0001, 0.5], square), false);
    assert.equal(pointInPolygon([0, 0.5], square), true, 'on an edge');
    assert.equal(pointInPolygon([1, 1], square), true, 'on a vertex');
  });
  test('concave polygons: the notch is outside', () => {
    assert.equal(pointInPolygon([0.5, 0.3], concave), false);
    assert.equal(pointInPolygon([0.5, 0.8], concave), true);
    assert.equal(pointInPolygon([0.2, 0.3], concave), true);
    // A ray from this point passes exactly through vertices (0.6,0.7) and (0.4,0.7): still counted once each side.
    assert.equal(pointInPolygon([0.1, 0.7], concave), true);
    assert.equal(pointInPolygon([0.5, 0.7], concave), true, 'on the notch bottom edge');
  });
  test('degenerate polygons contain nothing', () => {
    assert.equal(pointInPolygon([0.5, 0.5], [[0, 0], [1, 1]]), false);
  });
});

describe('areas and self-intersection', () => {
  test('shoelace area, sign follows the winding on screen', () => {
    assert.equal(polygonArea(square), 1);
    assert.ok(Math.abs(polygonArea(concave) - (1 - 0.2 * 0.7)) < 1e-12);
    assert.ok(signedArea(square) > 0, 'clockwise on screen (y down)');
    assert.ok(signedArea([...square].reverse()) < 0);
    assert.equal(polygonArea([[0, 0], [0.5, 0.5], [1, 1]]), 0);
  });
  test('a bow-tie crosses itself; a concave polygon does not', () => {
    assert.equal(selfIntersects([[0, 0], [1, 1], [1, 0], [0, 1]]), true);
    assert.equal(selfIntersects(concave), false);
    assert.equal(selfIntersects(square), false);
  });
});

describe('segments and sides', () => {
  test('crossing, touching, collinear overlap, parallel, disjoint', () => {
    assert.equal(segmentsIntersect([0, 0], [1, 1], [0, 1], [1, 0]), true);
    assert.equal(segmentsIntersect([0, 0], [1, 0], [0.5, 0], [0.5, 1]), true, 'T-touch');
    assert.equal(segmentsIntersect([0, 0], [1, 0], [0.5, 0], [2, 0]), true, 'collinear overlap');
    assert.equal(segmentsIntersect([0, 0], [1, 0], [1.1, 0], [2, 0]), false, 'collinear, apart');
    assert.equal(segmentsIntersect([0, 0], [1, 0], [0, 0.1], [1, 0.1]), false, 'parallel');
    assert.equal(segmentsIntersect([0, 0], [1, 0], [1.5, -1], [1.5, 1]), false, 'the other segment passes beyond the end');
  });
  test('left of a→b on screen (y down) is negative', () => {
    // Walking right along y = 0.5: "up" on screen (smaller y) is on the left.
    assert.ok(signedDistance([0, 0.5], [1, 0.5], [0.5, 0.4]) < 0);
    assert.ok(signedDistance([0, 0.5], [1, 0.5], [0.5, 0.6]) > 0);
    assert.ok(Math.abs(signedDistance([0, 0.5], [1, 0.5], [0.5, 0.6]) - 0.1) < 1e-12);
  });
  test('headings clockwise from up, and angle differences wrap', () => {
    assert.equal(headingDeg([0, 0], [0, -1]), 0);
    assert.equal(headingDeg([0, 0], [1, 0]), 90);
    assert.equal(headingDeg([0, 0], [0, 1]), 180);
    assert.equal(headingDeg([0, 0], [-1, 0]), 270);
    assert.equal(angleDiffDeg(350, 10), 20);
    assert.equal(angleDiffDeg(10, 350), 20);
    assert.equal(angleDiffDeg(90, 270), 180);
    assert.equal(angleDiffDeg(0, 360), 0);
  });
});

describe('distances', () => {
  test('to a segment (ends included) and to a polygon border', () => {
    const { distanceToSegment, distanceToBoundary } = geometry;
    assert.equal(distanceToSegment([0.5, 1], [0, 0], [1, 0]), 1);
    assert.equal(distanceToSegment([2, 0], [0, 0], [1, 0]), 1, 'beyond the end: to the end point');
    assert.ok(Math.abs(distanceToSegment([-3, 4], [0, 0], [1, 0]) - 5) < 1e-12);
    assert.ok(Math.abs(distanceToBoundary([0.5, 0.4], square) - 0.4) < 1e-12);
    assert.ok(Math.abs(distanceToBoundary([1.2, 0.5], square) - 0.2) < 1e-12);
    assert.equal(distanceToBoundary([1, 0.5], square), 0);
  });
});
