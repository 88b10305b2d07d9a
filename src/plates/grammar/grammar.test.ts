import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN_PLATE, GENERIC_PLATE, HK_ORDINARY, HK_PERSONALISED, cleanPlateText, normalisePlate, plateKey } from './index';

test('Hong Kong ordinary marks: up to two letters without I/O/Q, then 1–9999 without leading zeros', () => {
  for (const ok of ['AB1234', 'A1', 'XY9999', '8888', 'HK1']) assert.deepEqual(normalisePlate(ok, { grammars: [HK_ORDINARY] })?.text, ok, ok);
  for (const bad of ['AB0123', 'ABC123', 'AB12345', 'A0', 'ABCD']) assert.equal(normalisePlate(bad, { grammars: [HK_ORDINARY] }), null, bad);
  assert.equal(normalisePlate('ab 1234')?.grammar, 'hk');
});

test('Hong Kong personalised marks: up to 8 letters/digits, no I, O or Q', () => {
  assert.deepEqual(normalisePlate('HAPPY8', { grammars: [HK_PERSONALISED] }), { text: 'HAPPY8', grammar: 'hk_personalised', score: 1 });
  assert.equal(normalisePlate('ABCDEFGHJ', { grammars: [HK_PERSONALISED] }), null, 'nine characters');
  // The only allowed reading of a confusable in a personalised mark: Q is never printed, so it was a 0.
  assert.equal(normalisePlate('LQVE', { grammars: [HK_PERSONALISED] })?.text, 'L0VE');
  assert.equal(normalisePlate('HAPPY')?.grammar, 'hk_personalised');
});

test('mainland plates: province, letter, 5 (ordinary) or 6 (new-energy) characters, separators stripped', () => {
  assert.deepEqual(normalisePlate('皖A·05279'), { text: '皖A05279', grammar: 'cn', score: 1 });
  assert.equal(normalisePlate('粤B D12345')?.text, '粤BD12345');
  assert.equal(normalisePlate('粤Z1234港')?.text, '粤Z1234港');
  assert.equal(normalisePlate('X皖A05279', { grammars: [CN_PLATE] }), null, 'nothing before the province');
  assert.equal(normalisePlate('AA05279', { grammars: [CN_PLATE] }), null, 'no province character');
});

test('confusables are resolved by position', () => {
  // Digit slots take the digit, letter slots the letter.
  assert.equal(normalisePlate('A8I234', { grammars: [HK_ORDINARY] })?.text, 'AB1234');
  assert.equal(normalisePlate('5Z1O0', { grammars: [HK_ORDINARY] })?.text, 'SZ100');
  assert.equal(normalisePlate('皖AO5Z79')?.text, '皖A05Z79', 'Z is a letter mainland serials use');
  assert.equal(normalisePlate('皖AI05Z9')?.text, '皖A105Z9', 'mainland serials never use I or O');
  assert.ok(normalisePlate('A8I234')!.score < 1, 'each swap costs score');
  // The recogniser's own second choice wins over the fixed confusable table.
  const alts = [[{ char: '皖', prob: 0.9 }], [{ char: '8', prob: 0.6 }, { char: 'R', prob: 0.3 }], ...[...'05279'].map((c) => [{ char: c, prob: 1 }])];
  assert.equal(normalisePlate('皖805279', { grammars: [CN_PLATE], alts })?.text, '皖R05279');
  assert.equal(normalisePlate('皖805279', { grammars: [CN_PLATE] })?.text, '皖B05279');
});

test('absurd strings are rejected', () => {
  for (const bad of ['', '----', '!!!', 'ABCDEFGHIJKLMN', '0000000000000', 'THE QUICK BROWN FOX', '你好世界', '皖']) assert.equal(normalisePlate(bad), null, bad);
  assert.equal(normalisePlate('1111111', { grammars: [GENERIC_PLATE] }), null, 'one repeated character');
});

test('plateKey folds confusables so near-misses meet', () => {
  assert.equal(plateKey('AB 1234'), plateKey('A8I234'));
  assert.equal(plateKey('SZ10O'), plateKey('5210D'));
  assert.notEqual(plateKey('AB1234'), plateKey('AB1235'));
  assert.equal(cleanPlateText(' ab-12·34 '), 'AB1234');
  assert.equal(cleanPlateText('ＡＢ１２'), 'AB12', 'full-width forms folded');
});
