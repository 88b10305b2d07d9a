/** The web app's Hong Kong time helpers (pure functions; no browser needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHkt, formatHktDate, parseHktLocal } from '../../web/src/time/format';

test('formats UTC ms as Hong Kong time (UTC+8, no DST) with HKT', () => {
  assert.equal(formatHkt(0), '1970-01-01 08:00:00 HKT');
  assert.equal(formatHkt(Date.UTC(2026, 2, 1, 16, 5, 9)), '2026-03-02 00:05:09 HKT');
  assert.equal(formatHkt(Date.UTC(2026, 6, 1, 12, 0, 0)), '2026-07-01 20:00:00 HKT');
  assert.equal(formatHktDate(Date.UTC(2026, 11, 31, 17, 0, 0)), '2027-01-01');
  assert.equal(formatHkt(null), '—');
});

test('reads a datetime-local value as Hong Kong time', () => {
  assert.equal(parseHktLocal('2026-03-02T00:05'), Date.UTC(2026, 2, 1, 16, 5, 0));
  assert.equal(parseHktLocal('2026-03-02T00:05:09'), Date.UTC(2026, 2, 1, 16, 5, 9));
  assert.equal(parseHktLocal(''), null);
  assert.equal(parseHktLocal('yesterday'), null);
  const ms = Date.UTC(2026, 4, 5, 6, 7, 0);
  assert.equal(formatHkt(parseHktLocal(formatHkt(ms).slice(0, 16).replace(' ', 'T'))), formatHkt(ms));
});
