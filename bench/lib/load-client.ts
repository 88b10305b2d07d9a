/**
 * The HTTP load generator, run as its own process (so on a 2-core machine the client and the
 * server each get a core rather than sharing one event loop):
 *
 *   node --import tsx bench/lib/load-client.ts '<json LoadSpec>'
 *
 * Runs autocannon for a warm-up (discarded) and then for the measured duration, cycling every
 * connection through `paths`. Records every response time (autocannon reports no p95) and prints
 * one JSON line: LoadResult, with nearest-rank percentiles.
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import { latencyStats, type LatencyStats } from './stats';

export interface LoadSpec {
  url: string;
  paths: string[];
  token?: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: LatencyStats;
}

function run(spec: LoadSpec, durationSec: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const headers: Record<string, string> = spec.token ? { authorization: `Bearer ${spec.token}` } : {};
    const inst = autocannon(
      { url: spec.url, connections: spec.connections, duration: durationSec, timeout: 10, headers, requests: spec.paths.map((p) => ({ method: 'GET', path: p })) },
      (err: Error | null, r: AutocannonResult) => {
        if (err) return reject(err);
        const seconds = r.duration || durationSec;
        resolve({ requests: latenciesMs.length, reqPerSec: Math.round(latenciesMs.length / seconds), non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, latency: latencyStats(latenciesMs) });
      },
    );
    inst.on('response', (_c, _status, _bytes, ms) => void latenciesMs.push(ms));
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  if (!spec.url || !spec.paths?.length) throw new Error('usage: load-client.ts \'{"url":…,"paths":[…],"connections":10,"durationSec":10,"warmupSec":2}\'');
  if (spec.warmupSec > 0) await run(spec, spec.warmupSec);
  const result = await run(spec, spec.durationSec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
