import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { PG_ADMIN_URL } from '../../test/support/engines';
import { NATS_URL, natsSkip } from '../bus/testing';
import { SIM_KINDS, perCameraRates, targetRates } from './rates';
import { simulate } from './simulate';

test('city rates per camera come from the capacity model', () => {
  const r = perCameraRates();
  assert.ok(Math.abs(r.sightings - (0.1 * 600) / 3600) < 1e-12);
  assert.equal(r.segments, 0.1);
  const t = targetRates(66_500, 1);
  assert.ok(t.segments > 6000 && t.sightings > 1000, JSON.stringify(t));
});

test('simulate: 2 node processes on PostgreSQL + NATS store every kind with no loss, announce it on the bus, and searches run during the load', { skip: process.env.SMARTVIEW_SKIP_PG === '1' ? 'no PostgreSQL' : natsSkip(), timeout: 120_000 }, async () => {
  const r = await simulate({ cameras: 3000, fraction: 2, durationS: 5, nodes: 2, postgresAdminUrl: PG_ADMIN_URL, natsServers: [NATS_URL], log: pino({ level: 'warn' }) });
  assert.equal(r.total.lost, 0, JSON.stringify(r.total));
  assert.equal(r.total.failed + r.total.dropped, 0);
  for (const k of SIM_KINDS) {
    const v = r.perKind[k];
    assert.ok(v.produced > 0, `${k} produced`);
    assert.equal(v.stored, v.produced, `${k}: everything produced is stored`);
    assert.equal(v.announced, v.stored, `${k}: every stored row was announced on the bus`);
    assert.ok(v.busLagMs.n > 0 && v.busLagMs.p50 >= v.storeLagMs.p50 - 1, `${k}: visible on the bus after it was stored`);
  }
  // ~2 × city rate for 3,000 cameras ≈ 760 rows/s in total, measured over the nodes' production time
  assert.ok(r.total.rowsPerS > 0.7 * r.total.targetRowsPerS, `${r.total.rowsPerS} rows/s of ${r.total.targetRowsPerS}`);
  assert.ok(r.queries.plate.n > 0 && r.queries.attribute.n > 0, 'searches ran during the load');
});
