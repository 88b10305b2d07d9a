import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import pg from 'pg';
import { createNatsBus } from '../bus/nats';
import { OperationalError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { Store } from '../store/store';
import type { BatchNotice, NodeResult, NodeSpec } from './protocol';
import { SimulationQueries } from './queries.repository';
import { SIM_KINDS, targetRates, type SimKind } from './rates';
import { plateOf, synthCameras } from './rows';

export interface SimulateOptions {
  cameras: number;
  fraction: number;
  durationS: number;
  nodes: number;
  /** PostgreSQL server (an admin URL: the run creates and drops its own database). */
  postgresAdminUrl: string;
  natsServers: string[];
  /** Keep the database afterwards (default: dropped). */
  keep?: boolean;
  vehicles?: number;
  log: Logger;
}

export interface Percentiles { n: number; p50: number; p95: number; p99: number; max: number }

export interface SimulationReport {
  cameras: number; fraction: number; nodes: number; seconds: number; drainSeconds: number; wallSeconds: number;
  perKind: Record<SimKind, { targetRowsPerS: number; produced: number; stored: number; lost: number; rowsPerS: number; storeLagMs: Percentiles; busLagMs: Percentiles; announced: number }>;
  total: { targetRowsPerS: number; rowsPerS: number; produced: number; stored: number; lost: number; dropped: number; failed: number };
  queries: { plate: Percentiles; attribute: Percentiles };
  /** The nodes' audit group commits: records per transaction (standalone records, src/audit/group-commit.ts). */
  audit: { appended: number; transactions: number; recordsPerTransaction: number; maxBatch: number; failed: number };
  database: string;
  loadavg: number[];
}

export function percentiles(xs: number[]): Percentiles {
  const s = Float64Array.from(xs).sort();
  const at = (p: number): number => (s.length ? Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! * 10) / 10 : NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

const NODE_MAIN = path.join(path.dirname(new URL(import.meta.url).pathname), 'node-main.ts');

function runNode(specFile: string, log: Logger): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', NODE_MAIN, `@${specFile}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new OperationalError('simulate_node_failed', `A simulator node exited with ${code}: ${err.trim().slice(-500)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as NodeResult);
      } catch (e) {
        log.error({ out: out.slice(-500), err: errorMessage(e) }, 'simulator node printed no result');
        reject(e);
      }
    });
  });
}

/**
 * `smartview simulate`: K node processes (src/simulate/node-main.ts) share `cameras` synthetic cameras and
 * produce their metadata at `fraction` of the city per-camera rates (src/capacity/model.ts) for `durationS`
 * into a private PostgreSQL database and a private NATS JetStream stream, while this process runs plate and
 * attribute searches; then counts what was stored. See docs/design/metadata-scale.md.
 */
export async function simulate(o: SimulateOptions): Promise<SimulationReport> {
  const dbName = `sv_sim_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const u = new URL(o.postgresAdminUrl);
  const admin = new pg.Client({ connectionString: o.postgresAdminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const stream = `SVSIM_${randomBytes(4).toString('hex').toUpperCase()}`;
  const subjectPrefix = `svsim${randomBytes(3).toString('hex')}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-simulate-'));
  const store = await Store.open({ engine: 'postgres', postgresUrl: dbUrl, poolSize: 2 });
  const bus = await createNatsBus({ servers: o.natsServers, stream, subjectPrefix, logger: o.log });
  try {
    await store.migrate();
    const cams = synthCameras(o.cameras);
    const rates = targetRates(o.cameras, o.fraction);
    const vehicles = o.vehicles ?? 200_000;
    const busLag: Record<string, number[]> = {};
    const announced: Record<string, number> = {};
    await bus.subscribe<BatchNotice>('simulate.batch', (m) => {
      (busLag[m.data.kind] ??= []).push(Date.now() - m.data.oldestProducedAt);
      announced[m.data.kind] = (announced[m.data.kind] ?? 0) + m.data.rows;
    });
    const nodeIds = Array.from({ length: o.nodes }, (_, i) => `sim-node-${i + 1}`);
    const specs: NodeSpec[] = nodeIds.map((node, i) => ({
      node, postgresUrl: dbUrl, natsServers: o.natsServers, stream, subjectPrefix, vehicles, seed: 1000 + i, durationMs: o.durationS * 1000,
      cameras: cams.filter((_, c) => c % o.nodes === i),
      rates: Object.fromEntries(SIM_KINDS.map((k) => [k, rates[k] / o.nodes])) as Record<SimKind, number>,
    }));
    o.log.info({ nodes: o.nodes, cameras: o.cameras, fraction: o.fraction, rates }, 'simulation starting');
    const t0 = Date.now();
    const results = Promise.all(specs.map((s) => {
      const f = path.join(tmp, `${s.node}.json`);
      writeFileSync(f, JSON.stringify(s));
      return runNode(f, o.log);
    }));
    // Searches during the load (sequential, one every 200 ms), both bound to the last hour.
    const q = new SimulationQueries(store.db);
    const plateMs: number[] = [];
    const attrMs: number[] = [];
    let done = false;
    const queries = (async () => {
      let i = 0;
      while (!done) {
        await new Promise((r) => setTimeout(r, 200));
        const now = Date.now();
        const t = performance.now();
        if (i++ % 2 === 0) {
          await q.plateSearch(plateOf(Math.floor(Math.random() * vehicles)), now - 3_600_000, now + 60_000);
          plateMs.push(performance.now() - t);
        } else {
          await q.attributeSearch('person', ['red', 'black', 'blue'][i % 3]!, now - 3_600_000, now + 60_000);
          attrMs.push(performance.now() - t);
        }
      }
    })();
    let nodeResults: NodeResult[];
    try {
      nodeResults = await results;
    } finally {
      done = true;
      await queries;
    }
    // Rates over the production time (process start-up under tsx is not load); the time the nodes needed
    // after it to store their backlog is reported as drainSeconds (a backlog that keeps growing = not sustained).
    const seconds = o.durationS;
    const drainSeconds = Math.max(...nodeResults.map((r) => r.seconds)) - o.durationS;
    const wall = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000)); // the last batch notices
    const perKind = {} as SimulationReport['perKind'];
    let produced = 0, stored = 0;
    for (const k of SIM_KINDS) {
      const p = nodeResults.reduce((s, r) => s + r.produced[k], 0);
      const st = await q.count(k, nodeIds);
      produced += p;
      stored += st;
      perKind[k] = {
        targetRowsPerS: Math.round(rates[k] * 10) / 10, produced: p, stored: st, lost: p - st, rowsPerS: Math.round((st / seconds) * 10) / 10,
        storeLagMs: percentiles(nodeResults.flatMap((r) => r.storeLagMs[k] ?? [])), busLagMs: percentiles(busLag[k] ?? []), announced: announced[k] ?? 0,
      };
    }
    const writerStats = nodeResults.flatMap((r) => Object.values(r.writers));
    const target = SIM_KINDS.reduce((s, k) => s + rates[k], 0);
    const groups = nodeResults.map((r) => r.audit ?? { appended: 0, batches: 0, failed: 0, maxBatch: 0 });
    const gAppended = groups.reduce((s, g) => s + g.appended, 0);
    const gBatches = groups.reduce((s, g) => s + g.batches, 0);
    const auditFailed = groups.reduce((s, g) => s + g.failed, 0);
    return {
      cameras: o.cameras, fraction: o.fraction, nodes: o.nodes, seconds, drainSeconds: Math.round(drainSeconds * 10) / 10, wallSeconds: Math.round(wall * 10) / 10, perKind,
      total: { targetRowsPerS: Math.round(target), rowsPerS: Math.round(stored / seconds), produced, stored, lost: produced - stored, dropped: writerStats.reduce((s, w) => s + w.dropped, 0), failed: writerStats.reduce((s, w) => s + w.failed, 0) + auditFailed },
      queries: { plate: percentiles(plateMs), attribute: percentiles(attrMs) },
      audit: { appended: gAppended, transactions: gBatches, recordsPerTransaction: gBatches ? Math.round((gAppended / gBatches) * 10) / 10 : 0, maxBatch: Math.max(0, ...groups.map((g) => g.maxBatch)), failed: auditFailed },
      database: o.keep ? dbName : `${dbName} (dropped)`,
      loadavg: os.loadavg().map((x) => Math.round(x * 10) / 10),
    };
  } finally {
    await bus.close();
    await store.close();
    rmSync(tmp, { recursive: true, force: true });
    await deleteStream(o.natsServers, stream, o.log);
    if (!o.keep) {
      const a = new pg.Client({ connectionString: o.postgresAdminUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
    }
  }
}

async function deleteStream(servers: string[], stream: string, log: Logger): Promise<void> {
  const nc = await connect({ servers });
  try {
    await (await nc.jetstreamManager()).streams.delete(stream);
  } catch (err) {
    log.warn({ stream, err: errorMessage(err) }, 'simulation stream not deleted; remove it with `nats stream rm`');
  } finally {
    await nc.close();
  }
}
