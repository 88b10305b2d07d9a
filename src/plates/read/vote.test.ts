import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlateVoter } from './vote';

test('votes character by character across frames, weighted by confidence', () => {
  const v = new PlateVoter();
  v.add({ text: 'AB1234', score: 0.9, grammar: 'hk' }, 1000, 1);
  v.add({ text: 'AB1284', score: 0.5, grammar: 'hk' }, 1200, 2);
  v.add({ text: 'A81234', score: 0.4, grammar: 'hk_personalised' }, 1400, 3);
  v.add({ text: 'AR1234', score: 0.6, grammar: 'hk' }, 1600, 4);
  const b = v.best()!;
  assert.equal(b.text, 'AB1234');
  assert.equal(b.frame, 1, 'the frame of the best agreeing read');
  assert.equal(b.firstMs, 1000);
  assert.equal(b.lastMs, 1600);
  assert.equal(b.reads, 4);
  assert.ok(b.score > 0 && b.score <= 0.9);
});

test('grammar-valid reads outweigh generic ones of another shape', () => {
  const v = new PlateVoter();
  v.add({ text: '皖A05279', score: 0.7, grammar: 'cn' }, 0, 1);
  v.add({ text: 'A05279', score: 0.8, grammar: 'generic' }, 100, 2);
  v.add({ text: '皖A05279', score: 0.6, grammar: 'cn' }, 200, 3);
  assert.equal(v.best()!.text, '皖A05279');
  assert.equal(new PlateVoter().best(), null);
});

test('a voted text can combine positions no single frame read correctly', () => {
  const v = new PlateVoter();
  v.add({ text: 'XY1234', score: 0.8, grammar: 'hk' }, 0, 1);
  v.add({ text: 'XV1234', score: 0.5, grammar: 'hk' }, 1, 2);
  v.add({ text: 'XY1284', score: 0.5, grammar: 'hk' }, 2, 3);
  v.add({ text: 'XY7234', score: 0.3, grammar: 'hk' }, 3, 4);
  assert.equal(v.best()!.text, 'XY1234');
});
