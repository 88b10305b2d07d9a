import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../detect/types';
import { attributesOf, CarriedObserver, carriedBits, carriedItems, colourName, motionOf } from './attributes';
import { BLACK, BLUE, personCrop, RED, WHITE } from './search.fixtures';
import { haversineM, plausibility } from './plausibility';

test('colour names from HSV', () => {
  assert.equal(colourName(200, 30, 30), 'red');
  assert.equal(colourName(30, 40, 190), 'blue');
  assert.equal(colourName(40, 170, 50), 'green');
  assert.equal(colourName(240, 220, 40), 'yellow');
  assert.equal(colourName(245, 245, 245), 'white');
  assert.equal(colourName(128, 128, 128), 'grey');
  assert.equal(colourName(12, 12, 12), 'black');
  assert.equal(colourName(110, 60, 20), 'brown');
  assert.equal(colourName(250, 140, 20), 'orange');
  assert.equal(colourName(130, 40, 170), 'purple');
});

test('upper and lower body colours of a person; vehicles get one colour', () => {
  const a = attributesOf('person', personCrop(RED, BLUE), ['backpack']);
  assert.deepEqual([a.upperColour, a.lowerColour, a.vehicleColour, a.carried], ['red', 'blue', null, ['backpack']]);
  const b = attributesOf('person', personCrop(WHITE, BLACK), []);
  assert.deepEqual([b.upperColour, b.lowerColour], ['white', 'black']);
  const car = attributesOf('car', personCrop(BLUE, BLUE), ['handbag'], 'ab 1234');
  assert.deepEqual([car.upperColour, car.vehicleColour, car.carried, car.plate], [null, 'blue', [], 'AB1234']);
});

test('carried items: a bag seen inside the person box in enough frames sticks; one crossing it does not', () => {
  const o = new CarriedObserver();
  const person = { id: 7, label: 'person', box: [100, 100, 50, 150] as [number, number, number, number] };
  const bag = (x: number, label = 'backpack'): Detection => ({ label, classId: 24, score: 0.6, box: [x, 140, 20, 30] });
  for (let i = 0; i < 10; i++) o.observe('c', [person], [bag(115), ...(i === 3 ? [bag(120, 'umbrella')] : []), bag(400, 'suitcase')]);
  assert.deepEqual(o.take('c', 7), ['backpack']);
  assert.deepEqual(o.take('c', 7), [], 'forgotten once taken');
  assert.deepEqual(carriedItems(carriedBits(['handbag', 'suitcase'])), ['handbag', 'suitcase']);
});

test('image direction and speed in box heights per second', () => {
  const right = motionOf({ box: [0, 0, 40, 100], trail: [{ tMs: 0, x: 0, y: 0 }, { tMs: 2000, x: 300, y: 20 }] });
  assert.deepEqual(right, { direction: 'right', speed: 1.5 });
  assert.equal(motionOf({ box: [0, 0, 40, 100], trail: [{ tMs: 0, x: 50, y: 300 }, { tMs: 1000, x: 60, y: 100 }] }).direction, 'away');
  assert.equal(motionOf({ box: [0, 0, 40, 100], trail: [{ tMs: 0, x: 50, y: 50 }, { tMs: 1000, x: 60, y: 60 }] }).direction, 'stationary');
  assert.deepEqual(motionOf({ box: [0, 0, 40, 100], trail: [] }), { direction: null, speed: null });
});

test('plausibility: reachable steps score by how late they are; unreachable ones are flagged with a floor', () => {
  const d = haversineM(22.28, 114.17, 22.2818, 114.17);
  assert.ok(Math.abs(d - 200) < 2, `${d}`);
  const onTime = plausibility(200, 130_000, 2.5);
  const late = plausibility(200, 1_500_000, 2.5);
  const tooFast = plausibility(5000, 60_000, 2.5);
  assert.ok(onTime.reachable && onTime.plausibility > 0.9);
  assert.ok(late.reachable && late.plausibility < onTime.plausibility);
  assert.equal(tooFast.reachable, false);
  assert.ok(tooFast.plausibility > 0 && tooFast.plausibility < 0.05);
  assert.ok(tooFast.requiredSpeedMs! > 80);
});
