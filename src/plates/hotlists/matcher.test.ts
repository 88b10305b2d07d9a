import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plateKey } from '../grammar/index';
import { parseHotlistCsv, hotlistToCsv } from './csv';
import { HotlistMatcher } from './matcher';
import type { ActiveEntry } from './types';

const entry = (plate: string, o: Partial<ActiveEntry> = {}): ActiveEntry => ({
  id: `e-${plate}`, hotlistId: 'h1', hotlistName: 'Stolen', owner: 'police', plate, plateKey: plateKey(plate), reason: 'stolen', priority: 'high',
  fuzzy: false, validFrom: null, validTo: null, caseRef: null, ...o,
});

test('exact entries match the same folded key only; fuzzy entries one edit away too', () => {
  const m = new HotlistMatcher();
  m.load([entry('AB1234'), entry('KD808', { fuzzy: true })]);
  assert.deepEqual(m.match(plateKey('A81234'), 0).map((x) => [x.entry.plate, x.kind]), [['AB1234', 'exact']], 'B/8 are confusable: exact on the key');
  assert.deepEqual(m.match(plateKey('AB1235'), 0), [], 'an exact entry does not match one edit away');
  assert.deepEqual(m.match(plateKey('KD8O8'), 0).map((x) => x.kind), ['exact']);
  assert.deepEqual(m.match(plateKey('KD88'), 0).map((x) => [x.entry.plate, x.kind]), [['KD808', 'fuzzy']], 'deletion');
  assert.deepEqual(m.match(plateKey('KD8081'), 0).map((x) => x.kind), ['fuzzy'], 'insertion');
  assert.deepEqual(m.match(plateKey('KE808'), 0).map((x) => x.kind), ['fuzzy'], 'substitution');
  assert.deepEqual(m.match(plateKey('KE818'), 0), [], 'two edits');
});

test('validity window: from inclusive, to exclusive', () => {
  const m = new HotlistMatcher();
  m.load([entry('XY1', { validFrom: 1000, validTo: 2000 })]);
  assert.equal(m.match('XY1', 999).length, 0);
  assert.equal(m.match('XY1', 1000).length, 1);
  assert.equal(m.match('XY1', 1999).length, 1);
  assert.equal(m.match('XY1', 2000).length, 0);
});

test('10,000 entries: a lookup costs microseconds', () => {
  const m = new HotlistMatcher();
  const list = Array.from({ length: 10_000 }, (_, i) => entry(`H${i}`, { id: `e${i}`, fuzzy: i % 2 === 0 }));
  const t0 = performance.now();
  m.load(list);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  let hits = 0;
  for (let i = 0; i < 10_000; i++) hits += m.match(plateKey(`H${i}`), 0).length;
  const perMatchUs = ((performance.now() - t1) / 10_000) * 1000;
  assert.ok(hits >= 10_000);
  assert.ok(loadMs < 2000, `load ${loadMs} ms`);
  assert.ok(perMatchUs < 500, `${perMatchUs} µs per match`);
});

test('CSV: per-row errors with spreadsheet row numbers; round trip through export', () => {
  const csv = 'plate,reason,priority,fuzzy,valid_from,valid_to,case_ref\nab-1234,stolen,critical,yes,2026-01-01T00:00:00Z,,C-1\n,no plate,,,,,\nXY1,x,urgent,maybe,yesterday,,\nab1234,again,,,,,\n';
  const p = parseHotlistCsv(csv);
  assert.deepEqual(p.fileErrors, []);
  assert.equal(p.entries.length, 1);
  assert.deepEqual(p.entries[0]!.input, { plate: 'AB1234', reason: 'stolen', priority: 'critical', fuzzy: true, validFrom: Date.UTC(2026, 0, 1), validTo: null, caseRef: 'C-1' });
  assert.deepEqual(p.rejected.map((r) => r.row), [3, 4, 5]);
  assert.match(p.rejected[0]!.errors.join(), /plate: empty/);
  assert.equal(p.rejected[1]!.errors.length, 3, 'priority, fuzzy and valid_from of row 4');
  assert.match(p.rejected[2]!.errors.join(), /already on row 2/);
  assert.deepEqual(parseHotlistCsv('plate,why\nA1,x\n').fileErrors.length, 2, 'unknown column and missing reason');

  const out = hotlistToCsv([{ id: 'e', hotlistId: 'h', plate: 'AB1', plateKey: '881', reason: '=HYPERLINK("x")', priority: 'low', fuzzy: false, validFrom: null, validTo: 5, caseRef: null, addedBy: 'u', createdAt: 0, updatedAt: 0 }]);
  assert.match(out, /'=HYPERLINK/, 'formula escaped');
  const back = parseHotlistCsv(out);
  assert.equal(back.entries[0]!.input.reason, '=HYPERLINK("x")');
  assert.equal(back.entries[0]!.input.validTo, 5);
});
