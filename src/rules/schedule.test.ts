import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from '../../test/support/prng';
import { hongKongTime, scheduleActive } from './schedule';

/** UTC ms of a Hong Kong wall-clock time (UTC+8). */
const hk = (iso: string) => Date.parse(`${iso}+08:00`);

describe('schedules in Hong Kong time', () => {
  test('weekday and minute agree with Intl Asia/Hong_Kong', () => {
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Hong_Kong', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const rnd = prng(7);
    for (let i = 0; i < 2000; i++) {
      const t = Math.floor(Date.UTC(1990, 0, 1) + rnd() * (Date.UTC(2060, 0, 1) - Date.UTC(1990, 0, 1)));
      const parts = Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
      const { weekday, minute } = hongKongTime(t);
      assert.equal(days[weekday], parts.weekday, new Date(t).toISOString());
      assert.equal(minute, Number(parts.hour) * 60 + Number(parts.minute), new Date(t).toISOString());
    }
  });

  test('no windows = always active', () => {
    assert.equal(scheduleActive([], 0), true);
  });

  test('a day window: start inclusive, end exclusive, only on its days, in HK time not UTC', () => {
    const w = [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' }];
    // 2026-11-23 is a Monday.
    assert.equal(scheduleActive(w, hk('2026-11-23T08:59:59')), false);
    assert.equal(scheduleActive(w, hk('2026-11-23T09:00:00')), true);
    assert.equal(scheduleActive(w, hk('2026-11-23T17:29:59')), true);
    assert.equal(scheduleActive(w, hk('2026-11-23T17:30:00')), false);
    assert.equal(scheduleActive(w, hk('2026-11-22T10:00:00')), false, 'Sunday');
    // 2026-11-23 02:00 UTC is Monday 10:00 in Hong Kong; in UTC it would be before 09:00.
    assert.equal(scheduleActive(w, Date.parse('2026-11-23T02:00:00Z')), true);
    // Sunday 2026-11-22 23:30 UTC is Monday 07:30 in Hong Kong: not yet.
    assert.equal(scheduleActive(w, Date.parse('2026-11-22T23:30:00Z')), false);
  });

  test('overnight windows belong to the day they start on', () => {
    const w = [{ days: [5], start: '22:00', end: '06:00' }]; // Friday night into Saturday morning
    assert.equal(scheduleActive(w, hk('2026-11-27T21:59:00')), false, 'Friday before');
    assert.equal(scheduleActive(w, hk('2026-11-27T22:00:00')), true, 'Friday 22:00');
    assert.equal(scheduleActive(w, hk('2026-11-27T23:59:59')), true);
    assert.equal(scheduleActive(w, hk('2026-11-28T00:00:00')), true, 'Saturday midnight');
    assert.equal(scheduleActive(w, hk('2026-11-28T05:59:59')), true);
    assert.equal(scheduleActive(w, hk('2026-11-28T06:00:00')), false, 'Saturday 06:00 ends it');
    assert.equal(scheduleActive(w, hk('2026-11-28T23:00:00')), false, 'Saturday night is not in the window');
    assert.equal(scheduleActive(w, hk('2026-11-27T03:00:00')), false, 'Friday early morning belongs to Thursday night');
    // Saturday-night window wraps the week into Sunday morning.
    const sat = [{ days: [6], start: '23:00', end: '01:00' }];
    assert.equal(scheduleActive(sat, hk('2026-11-29T00:30:00')), true, 'Sunday 00:30');
  });

  test("'24:00' ends at midnight and several windows combine", () => {
    const w = [{ days: [0], start: '00:00', end: '24:00' }, { days: [3], start: '12:00', end: '13:00' }];
    assert.equal(scheduleActive(w, hk('2026-11-22T23:59:59')), true, 'all Sunday');
    assert.equal(scheduleActive(w, hk('2026-11-23T00:00:00')), false, 'Monday');
    assert.equal(scheduleActive(w, hk('2026-11-25T12:30:00')), true, 'Wednesday lunch');
  });
});
