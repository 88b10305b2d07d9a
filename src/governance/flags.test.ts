import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessSchema } from '../config/access.schema';
import { computeFlags, inUnusualHours, localHour, type FlagInput } from './flags';

const cfg = accessSchema.parse({}).review;
const H = 3_600_000;
const DAY = 24 * H;
const T = Date.UTC(2026, 9, 1, 0, 0, 0); // 08:00 in Hong Kong
let seq = 0;
const rec = (o: Partial<FlagInput> & Pick<FlagInput, 'action' | 'at'>): FlagInput => ({
  seq: ++seq, actorId: `id-${o.actorName ?? 'ivy'}`, actorName: 'ivy', cameraIds: ['c-1'], caseRef: 'C-1', outcome: 'ok', details: {}, ...o,
});

test('local hours wrap midnight: 23:00–06:00 Hong Kong time', () => {
  assert.equal(localHour(T, 480), 8);
  assert.equal(localHour(T - 9 * H, 480), 23);
  assert.deepEqual([22, 23, 0, 5, 6].map((h) => inUnusualHours(h, 23, 6)), [false, true, true, true, false]);
  assert.deepEqual([9, 12, 17].map((h) => inUnusualHours(h, 9, 17)), [true, true, false]);
});

test('one plate by many users only within the window; denied and system records never count', () => {
  const flags = computeFlags([
    rec({ action: 'plate.search', at: T, actorName: 'a', details: { plate: 'AB123' } }),
    rec({ action: 'plate.search', at: T + 8 * DAY, actorName: 'b', details: { plate: 'AB123' } }), // 8 days later: the first is out of the window
    rec({ action: 'plate.search', at: T + 9 * DAY, actorName: 'c', details: { plate: 'ab 123' } }),
    rec({ action: 'plate.search', at: T + 9 * DAY + 1, actorName: 'd', outcome: 'denied', details: { plate: 'AB123' } }),
    rec({ action: 'plate.search', at: T + 9 * DAY + 2, actorId: null, actorName: 'system', details: { plate: 'AB123' } }),
  ], cfg);
  assert.deepEqual(flags.filter((f) => f.kind === 'plate_many_users'), []);
  const more = computeFlags([
    rec({ action: 'plate.search', at: T, actorName: 'a', details: { plate: 'AB123' } }),
    rec({ action: 'plate.search', at: T + DAY, actorName: 'b', details: { plate: 'AB123' } }),
    rec({ action: 'plate.search', at: T + 2 * DAY, actorName: 'a', details: { plate: 'AB123' } }),
    rec({ action: 'plate.search', at: T + 3 * DAY, actorName: 'c', details: { plate: 'AB-123' } }),
  ], cfg).filter((f) => f.kind === 'plate_many_users');
  assert.deepEqual(more.map((f) => [f.details.plate, f.details.users, f.records.length]), [['AB123', ['a', 'b', 'c'], 4]]);
});

test('bulk exports count per local day: 10 is fine, 11 is flagged; break-glass wins over no-case', () => {
  const day = (n: number, name: string) => Array.from({ length: n }, (_, i) => rec({ action: 'export.create', at: T + i * 60_000, actorName: name, details: { fromMs: 0, toMs: 60_000 } }));
  const flags = computeFlags([...day(10, 'ten'), ...day(11, 'eleven'), rec({ action: 'search.similar', at: T, caseRef: null, details: { breakGlassId: 'bg-1' } })], cfg);
  assert.deepEqual(flags.filter((f) => f.kind === 'bulk_exports').map((f) => f.user), ['eleven']);
  assert.deepEqual(flags.filter((f) => f.kind === 'break_glass' || f.kind === 'no_case').map((f) => f.kind), ['break_glass']);
});
