/**
 * Camera list benchmark (Foundation target: p95 under 20 ms through the HTTP API on SQLite with
 * 100,000 cameras; PostgreSQL reported too).
 *
 *   npx tsx bench/camera-list.ts [--cameras 100000] [--engine sqlite|postgres] [--duration 10] [--connections 10] [--smoke]
 *                                [--profile list.cpuprofile]   (CPU profile of the server during the list load)
 *
 * Loads the cameras through the API (POST /api/cameras/import; not measured), then drives
 * GET /api/cameras?bbox=…&owner=…&limit=100 with autocannon (its own process, loopback, Bearer
 * API token) over a fixed, seeded set of district-sized (~4 km) and street-sized (~400 m) boxes
 * and one or two owners. Baselines in the same run: GET /healthz with the same autocannon
 * settings (the HTTP stack alone), and in-process timings of the very SQL the repository runs
 * (captured from Kysely) and of the service call. Also prints the query plans. Last stdout line: JSON.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryId, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { authorize } from '../src/auth/guard';
import type { CameraFilter } from '../src/cameras/camera.model';
import { CameraRepository } from '../src/cameras/camera.repository';
import type { ActionContext } from '../src/core/context';
import type { Store } from '../src/store/store';
import { args, call, createOwners, enginesArg, finish, intArg, log, machine, startBenchServer } from './lib/common';
import { DISTRICTS, generateCameras, HK_BOUNDS, OWNERS, rng, toCsv } from './lib/hk';
import type { LoadResult, LoadSpec } from './lib/load-client';
import { latencyStats, round } from './lib/stats';

const TARGET = { cameras: 100_000, p95Ms: 20 };
const LIMIT = 100;
/** Box sizes in degrees (lat × lon): at 22.3° N, 0.04° ≈ 4.4 km × 4.1 km; 0.004° ≈ 440 m × 410 m. */
const BOXES = { district: 0.04, street: 0.004 } as const;
type BoxKind = keyof typeof BOXES;

interface Query { kind: BoxKind; path: string; filter: CameraFilter }

/** A fixed, seeded mix: half district boxes, half street boxes, centred where the cameras are; 1 or 2 owners. */
function querySet(count: number): Query[] {
  const r = rng(7);
  const out: Query[] = [];
  for (let i = 0; i < count; i++) {
    const kind: BoxKind = i % 2 === 0 ? 'district' : 'street';
    const d = DISTRICTS[Math.floor(r() * DISTRICTS.length)]!;
    const size = BOXES[kind];
    const lat = d.lat + (r() - 0.5) * 2 * d.sigma;
    const lon = d.lon + (r() - 0.5) * 2 * d.sigma;
    const f = (x: number): number => Number(x.toFixed(5));
    const minLon = f(Math.max(HK_BOUNDS.minLon, lon - size / 2));
    const minLat = f(Math.max(HK_BOUNDS.minLat, lat - size / 2));
    const maxLon = f(Math.min(HK_BOUNDS.maxLon, lon + size / 2));
    const maxLat = f(Math.min(HK_BOUNDS.maxLat, lat + size / 2));
    const first = OWNERS[Math.floor(r() * OWNERS.length)]!.id;
    const second = OWNERS[Math.floor(r() * OWNERS.length)]!.id;
    const owners = r() < 0.25 && second !== first ? [first, second] : [first];
    out.push({
      kind,
      path: `/api/cameras?bbox=${minLon},${minLat},${maxLon},${maxLat}&owner=${owners.join(',')}&limit=${LIMIT}`,
      filter: { bbox: [minLon, minLat, maxLon, maxLat], owner: owners },
    });
  }
  return out;
}

/** Runs the load client in its own process and returns its result. */
function load(spec: LoadSpec): Promise<LoadResult> {
  const root = path.resolve(import.meta.dirname, '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/lib/load-client.ts'), JSON.stringify(spec)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
}

/** Records the last query a Kysely instance runs, so the exact SQL can be replayed raw. */
class CaptureQuery implements KyselyPlugin {
  node?: RootOperationNode;
  queryId?: QueryId;
  transformQuery(a: PluginTransformQueryArgs): RootOperationNode {
    this.node = a.node;
    this.queryId = a.queryId;
    return a.node;
  }
  async transformResult(a: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return a.result;
  }
}

async function compiledListQuery(store: Store, ctx: ActionContext, filter: CameraFilter): Promise<CompiledQuery> {
  const cap = new CaptureQuery();
  await new CameraRepository(store.db.withPlugin(cap)).list(filter, authorize(ctx, 'camera.read'), LIMIT);
  return store.db.getExecutor().compileQuery(cap.node!, cap.queryId!);
}

async function timeEach<T>(items: T[], rounds: number, fn: (x: T) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const x of items) {
      const t0 = performance.now();
      await fn(x);
      ms.push(performance.now() - t0);
    }
  }
  return ms;
}

async function plan(store: Store, q: CompiledQuery): Promise<string[]> {
  const prefix = store.engine === 'sqlite' ? 'explain query plan ' : 'explain (analyze, buffers, costs off) ';
  const r = await store.db.executeQuery(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
  return r.rows.map((row) => {
    const x = row as Record<string, unknown>;
    return String(x.detail ?? x['QUERY PLAN'] ?? JSON.stringify(x));
  });
}

async function main(): Promise<void> {
  const a = args({ cameras: 'string', engine: 'string', duration: 'string', connections: 'string', smoke: 'boolean', profile: 'string' });
  const smoke = a.smoke === true;
  const n = intArg(a.cameras, smoke ? 2000 : TARGET.cameras);
  const [engine] = enginesArg(a.engine, 'sqlite', false);
  const durationSec = intArg(a.duration, smoke ? 1 : 10);
  const connections = intArg(a.connections, 10);
  const warmupSec = smoke ? 1 : 3;
  const queries = querySet(smoke ? 40 : 400);

  const { srv, token } = await startBenchServer(engine!);
  try {
    const sv = srv.running.sv;
    await createOwners(srv.url, token);
    log(`${engine}: loading ${n} cameras through POST /api/cameras/import (not measured)`);
    const t0 = performance.now();
    const imp = await call(srv.url, token, 'POST', '/api/cameras/import?format=csv', toCsv(generateCameras(n)), 'text/csv');
    if (imp.status !== 200) throw new Error(`import: HTTP ${imp.status} ${imp.text.slice(0, 500)}`);
    log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Every query once through HTTP: it must answer 200, and we note how many cameras it returns.
    const returned: Record<BoxKind, number[]> = { district: [], street: [] };
    for (const q of queries) {
      const r = await call(srv.url, token, 'GET', q.path);
      if (r.status !== 200) throw new Error(`GET ${q.path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      returned[q.kind].push((JSON.parse(r.text) as { items: unknown[] }).items.length);
    }
    const avg = (xs: number[]): number => round(xs.reduce((s, x) => s + x, 0) / (xs.length || 1), 1);
    const full = (xs: number[]): number => round(xs.filter((x) => x === LIMIT).length / (xs.length || 1), 2);

    // In-process baselines: the repository's exact SQL, replayed raw; and the whole service call.
    const principal = await sv.auth.fromToken(token);
    if (!principal) throw new Error('the admin token does not authenticate');
    const ctx: ActionContext = { principal, ip: '127.0.0.1' };
    const compiled = await Promise.all(queries.map((q) => compiledListQuery(sv.store, ctx, q.filter)));
    const rounds = smoke ? 2 : 5;
    await timeEach(compiled, 1, (c) => sv.store.db.executeQuery(c)); // warm-up
    const rawAll = await timeEach(compiled.map((c, i) => ({ c, kind: queries[i]!.kind })), rounds, (x) => sv.store.db.executeQuery(x.c));
    const rawBy = (kind: BoxKind): number[] => rawAll.filter((_, i) => queries[i % queries.length]!.kind === kind);
    const service = await timeEach(queries, rounds, (q) => sv.cameras.list(ctx, q.filter, LIMIT));
    const plans = {
      district: await plan(sv.store, compiled[0]!),
      street: await plan(sv.store, compiled[1]!),
    };
    for (const [k, p] of Object.entries(plans)) log(`${engine} plan (${k} box): ${p.join(' | ')}`);

    // HTTP: the stack alone, then the list, with the same autocannon settings.
    const common = { url: srv.url, connections, durationSec, warmupSec };
    log(`autocannon GET /healthz: ${connections} connections, ${durationSec} s (+${warmupSec} s warm-up)`);
    const health = await load({ ...common, paths: ['/healthz'] });
    log(`autocannon GET /api/cameras (${queries.length} queries): ${connections} connections, ${durationSec} s (+${warmupSec} s warm-up)`);
    const profiler = typeof a.profile === 'string' ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const list = await load({ ...common, token, paths: queries.map((q) => q.path) });
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(a.profile as string, JSON.stringify(profile));
      profiler.disconnect();
      log(`CPU profile of the server (warm-up + measured list load) written to ${String(a.profile)}`);
    }
    for (const [name, r] of [['healthz', health], ['list', list]] as const) {
      if (r.non2xx || r.errors || r.timeouts) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
    }

    const fullSize = n >= TARGET.cameras;
    const result = {
      bench: 'camera-list',
      at: new Date().toISOString(),
      smoke,
      engine,
      cameras: n,
      autocannon: { connections, durationSec, warmupSec, pipelining: 1, distinctQueries: queries.length },
      returned: { districtAvg: avg(returned.district), districtFullPageShare: full(returned.district), streetAvg: avg(returned.street), streetFullPageShare: full(returned.street) },
      http: {
        list: { reqPerSec: list.reqPerSec, requests: list.requests, ...list.latency },
        healthz: { reqPerSec: health.reqPerSec, requests: health.requests, ...health.latency },
      },
      inProcess: {
        rawSql: latencyStats(rawAll),
        rawSqlDistrictBox: latencyStats(rawBy('district')),
        rawSqlStreetBox: latencyStats(rawBy('street')),
        serviceCall: latencyStats(service),
      },
      plans,
      target: { p95Ms: TARGET.p95Ms, required: engine === 'sqlite', met: fullSize ? list.latency.p95 < TARGET.p95Ms : null },
      machine: machine(),
    };
    log(`${engine}: list p50 ${list.latency.p50} / p95 ${list.latency.p95} / p99 ${list.latency.p99} ms, ${list.reqPerSec} req/s; ` +
      `healthz p95 ${health.latency.p95} ms, ${health.reqPerSec} req/s; raw SQL p95 ${result.inProcess.rawSql.p95} ms; ` +
      `target p95 < ${TARGET.p95Ms} ms: ${result.target.met === null ? 'n/a at this size' : result.target.met ? 'MET' : 'MISSED'}`);
    finish(result);
  } finally {
    await srv.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
