/**
 * One simulator node (a separate process started by `smartview simulate`): a light node entry, not the
 * full `smartview serve` (no HTTP, recorder or analytics pipeline: 8 full servers do not fit on 2 cores
 * next to PostgreSQL). It uses the production write path of a node: the bulk writers of src/metadata into
 * the shared PostgreSQL (partitioned tables), the audit log (its own hash chain, standalone records through
 * the group-commit appender as a serving node's views and searches are), and the NATS JetStream
 * bus, where it announces each committed batch (`simulate.batch`) so the coordinator measures
 * produce → stored → visible on the bus. Input: one JSON argument (NodeSpec). Output: one JSON line on
 * stdout (NodeResult) when the run ends.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AuditLog } from '../audit/index';
import { createNatsBus } from '../bus/nats';
import { errorMessage } from '../core/errors';
import { SiteKeyring } from '../keys/site-keys';
import { BulkWriter } from '../metadata/bulk-writer';
import { tableOf } from '../metadata/partitions';
import { tableSink, type SinkColumn } from '../metadata/table-sink';
import { Store } from '../store/store';
import { EVENT_COLUMNS, SIGHTING_COLUMNS, TRACK_COLUMNS, eventRow, seeded, sightingRow, trackRow, type SynthCamera } from './rows';
import type { SimKind } from './rates';
import { SEGMENT_COLUMNS, segmentRow, type NodeResult, type NodeSpec, type BatchNotice } from './protocol';

async function main(): Promise<void> {
  const arg = process.argv[2] ?? '';
  const spec = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as NodeSpec;
  const log = pino({ level: 'warn' }).child({ node: spec.node });
  const store = await Store.open({ engine: 'postgres', postgresUrl: spec.postgresUrl, poolSize: 4 });
  const bus = await createNatsBus({ servers: spec.natsServers, stream: spec.stream, subjectPrefix: spec.subjectPrefix, logger: log });
  const keyDir = mkdtempSync(path.join(os.tmpdir(), `sv-sim-${spec.node}-`));
  const audit = new AuditLog({ node: spec.node, partition: 'month', keyring: new SiteKeyring(keyDir), clock: { now: () => Date.now() } });
  const auditGroup = audit.groupCommit(store.db, { log });
  const auditPending = new Set<Promise<void>>();
  const rng = seeded(spec.seed);
  const cams: SynthCamera[] = spec.cameras;
  const storeLag: Record<string, number[]> = {};
  const produced: Record<SimKind, number> = { sightings: 0, tracks: 0, events: 0, segments: 0, audit: 0 };
  let busFailed = 0;

  const announce = (kind: SimKind, times: number[]): void => {
    const storedAt = Date.now();
    const oldest = Math.min(...times);
    (storeLag[kind] ??= []).push(storedAt - oldest);
    const notice: BatchNotice = { node: spec.node, kind, rows: times.length, oldestProducedAt: oldest, storedAt };
    bus.publish('simulate.batch', notice).catch((err: unknown) => {
      busFailed++;
      log.warn({ err: errorMessage(err) }, 'batch notice not published');
    });
  };
  const writer = (kind: 'sightings' | 'tracks' | 'events' | 'segments', table: string, cols: SinkColumn[], timeCol: string): BulkWriter<object> => {
    const sink = tableSink<object>(store, table, cols, kind === 'segments' ? undefined : tableOf(kind));
    return new BulkWriter<object>({ name: kind, log, maxBatch: 2000, maxQueued: 50_000, concurrency: 1, sink: async (rows) => {
      await sink(rows);
      announce(kind, rows.map((r) => Number((r as Record<string, unknown>)[timeCol])));
    } });
  };
  const writers = {
    sightings: writer('sightings', 'plate_sightings', SIGHTING_COLUMNS, 'seen_at'),
    tracks: writer('tracks', 'search_tracks', TRACK_COLUMNS, 'started_at'),
    events: writer('events', 'analytics_events', EVENT_COLUMNS, 'started_at'),
    segments: writer('segments', 'segments', SEGMENT_COLUMNS, 'created_at'),
  };
  const make: Record<'sightings' | 'tracks' | 'events' | 'segments', (cam: SynthCamera, at: number) => object> = {
    sightings: (c, at) => sightingRow(rng, c, at, spec.vehicles),
    tracks: (c, at) => trackRow(rng, c, at),
    events: (c, at) => eventRow(rng, c, at),
    segments: (c, at) => segmentRow(spec.node, c, at),
  };

  const t0 = Date.now();
  const end = t0 + spec.durationMs;
  let camIdx = 0;
  while (Date.now() < end) {
    const now = Date.now();
    const elapsed = (now - t0) / 1000;
    for (const kind of ['sightings', 'tracks', 'events', 'segments'] as const) {
      const due = Math.floor(spec.rates[kind] * elapsed);
      while (produced[kind] < due) {
        const cam = cams[camIdx++ % cams.length]!;
        produced[kind]++;
        await writers[kind].push(make[kind](cam, Date.now()));
      }
    }
    const dueAudit = Math.floor(spec.rates.audit * elapsed);
    while (produced.audit < dueAudit) {
      produced.audit++;
      const cam = cams[camIdx++ % cams.length]!;
      const at = Date.now();
      // Concurrent callers, as requests are: each is acknowledged once its group commit is durable.
      const p = auditGroup.append({ actor: { id: 'sim-user', name: 'simulator' }, action: 'camera.view_live', target: { type: 'camera', id: cam.id }, cameraIds: [cam.id], ip: '127.0.0.1', details: {}, at, purpose: 'simulation' })
        .then(() => announce('audit', [at]))
        .catch((err: unknown) => log.error({ err: errorMessage(err) }, 'simulated audit record failed'))
        .finally(() => auditPending.delete(p));
      auditPending.add(p);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(Object.values(writers).map((w) => w.flush()));
  await Promise.all([...auditPending]);
  await auditGroup.close();
  const result: NodeResult = {
    node: spec.node, produced, seconds: (Date.now() - t0) / 1000, storeLagMs: storeLag, busFailed,
    writers: Object.fromEntries(Object.entries(writers).map(([k, w]) => [k, w.stats])),
    audit: { ...auditGroup.stats },
  };
  await new Promise((r) => setTimeout(r, 200));
  await bus.close();
  await store.close();
  rmSync(keyDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator node failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
