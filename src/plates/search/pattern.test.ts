import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../test/support/prng';
import { deletionVariants, withinOne } from './fuzzy';
import { normaliseQuery, planQuery, prefixUpperBound, wildcardRegExp } from './pattern';

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

test('withinOne agrees with Levenshtein ≤ 1 on random short strings', () => {
  const r = prng(7);
  const s = () => Array.from({ length: Math.floor(r() * 5) }, () => 'AB1粤'[Math.floor(r() * 4)]).join('');
  for (let i = 0; i < 20_000; i++) {
    const a = s();
    const b = s();
    assert.equal(withinOne(a, b), levenshtein(a, b) <= 1, `${a} vs ${b}`);
  }
});

test('symmetric delete: strings within one edit always share a deletion variant', () => {
  const r = prng(11);
  const s = () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => 'AB12'[Math.floor(r() * 4)]).join('');
  for (let i = 0; i < 5000; i++) {
    const a = s();
    const b = s();
    const shared = deletionVariants(a).some((v) => deletionVariants(b).includes(v));
    if (levenshtein(a, b) <= 1) assert.ok(shared, `${a} vs ${b}`);
  }
  assert.deepEqual(deletionVariants('AAB').sort(), ['AA', 'AAB', 'AB']);
  assert.deepEqual(deletionVariants('粤B1').sort(), ['B1', '粤1', '粤B', '粤B1'].sort());
});

test('query normalisation and plans', () => {
  assert.equal(normaliseQuery(' ab-12 34 '), 'AB1234');
  assert.equal(normaliseQuery('ab?1*'), 'AB?1*');
  assert.deepEqual(planQuery('AB1234'), { mode: 'exact', plate: 'AB1234' });
  assert.deepEqual(planQuery('ab', 'prefix'), { mode: 'prefix', prefix: 'AB', from: 'AB', to: 'AC' });
  const w = planQuery('AB?12*');
  assert.deepEqual({ ...w, ranges: undefined }, { mode: 'wildcard', pattern: 'AB?12*', like: 'AB_12%', range: { from: 'AB', to: 'AC' }, ranges: undefined });
  if (w.mode === 'wildcard') {
    assert.equal(w.ranges!.length, 37);
    assert.deepEqual(w.ranges![11], { from: 'ABB12', to: 'ABB13' });
    assert.deepEqual(w.ranges![36], { from: 'AB\u4e00', to: 'AC' });
  }
  assert.equal((planQuery('AB*1?') as { ranges?: unknown }).ranges, undefined, 'only a ? right after the lead is expanded');
  assert.deepEqual(planQuery('*12'), { mode: 'wildcard', pattern: '*12', like: '%12', range: null });
  const f = planQuery('AB1O', 'fuzzy');
  assert.equal(f.mode, 'fuzzy');
  if (f.mode === 'fuzzy') {
    assert.equal(f.key, 'A810', 'confusables folded: B→8, O→0');
    assert.deepEqual(f.variants.sort(), ['810', 'A10', 'A80', 'A81', 'A810'].sort());
  }
  assert.equal(prefixUpperBound('粤B'), '粤C');
  assert.throws(() => planQuery('AB?', 'exact'), /wildcards/);
  assert.throws(() => planQuery('**'), /at least one letter/);
  assert.throws(() => planQuery('A'.repeat(17)), /at most 16/);
});

test('wildcardRegExp is the twin of the SQL LIKE', () => {
  const re = wildcardRegExp('AB?12*');
  assert.ok(re.test('ABC12'));
  assert.ok(re.test('ABX1299'));
  assert.ok(!re.test('AB12'));
  assert.ok(!re.test('XAB112'));
});

test('the expanded ranges of a wildcard hold exactly the plates its lead range and pattern allow', () => {
  const r = prng(3);
  const chars = '0125ABZ粤京';
  const plan = planQuery('A?1*');
  assert.equal(plan.mode, 'wildcard');
  if (plan.mode !== 'wildcard') return;
  const re = wildcardRegExp('A?1*');
  for (let i = 0; i < 20_000; i++) {
    const s = 'A' + Array.from({ length: 1 + Math.floor(r() * 4) }, () => chars[Math.floor(r() * chars.length)]).join('');
    const inRanges = plan.ranges!.some((x) => s >= x.from && s < x.to);
    if (re.test(s)) assert.ok(inRanges, s);
  }
});
