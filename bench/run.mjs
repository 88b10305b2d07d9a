#!/usr/bin/env node
// `npm run bench [-- --smoke]`: every benchmark, on both engines; prints each one's output and, last,
// one JSON line holding every benchmark's final JSON line. Extra arguments go to every benchmark.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const extra = process.argv.slice(2);
// Each benchmark with its own arguments; `--smoke` (passed to each; audit-verify takes a small --records instead) runs every one in seconds.
const smoke = extra.includes('--smoke');
const runs = [
  ['bench/camera-import.ts', '--engine', 'both'],
  ['bench/camera-list.ts', '--engine', 'sqlite'],
  ['bench/camera-list.ts', '--engine', 'postgres'],
  ['bench/audit-verify.ts', ...(smoke ? ['--records', '20000'] : [])],
  ['bench/retention-sweep.ts', '--engine', 'both'],
  ['bench/tier-move.ts'],
  ['bench/export.ts'],
  ['bench/recorder-cpu.ts'],
  ['bench/recorder-100.ts'],
  ['bench/live-latency.ts'],
  ['bench/tamper.ts'],
  ['bench/detector-pool.ts'],
  ['bench/default-detector.ts'],
  ['bench/sampling.ts'],
  ['bench/motion-gating.ts'],
  ['bench/tracker.ts'],
  ['bench/recorded-analysis.ts'],
  ['bench/cameras-per-box.ts'],
  ['bench/planner.ts'],
  ['bench/plates.ts'],
  ['bench/plate-search.ts', '--engine', 'both'],
  ['bench/hotlist-alert.ts', '--engine', 'both'],
  ['bench/predict.ts'],
  ['bench/reid.ts'],
  ['bench/track-search.ts', '--engine', 'both'],
  ['bench/ann.ts'],
  ['bench/search-journey.ts', '--engine', 'both'],
  ['bench/crowd-count-error.ts'],
  ['bench/crowd-count-cost.ts'],
  ['bench/crowd-count-refine-sweep.ts'],
  ['bench/crowd-alert-latency.ts'],
  ['bench/privacy-mask-cost.ts'],
  ['bench/privacy-redact-speed.ts'],
  ['bench/metadata-ingest.ts'],
  ['bench/bus-latency.ts'],
  ['bench/sightings-100m.ts'],
  ['bench/cluster-failover.ts'],
  ['bench/federation-search.ts'],
  ['bench/federation-live-delay.ts'],
];
const results = [];
for (const [script, ...args] of runs) {
  const own = script === 'bench/audit-verify.ts' ? extra.filter((x) => x !== '--smoke') : extra;
  console.error(`\n=== ${script} ${[...args, ...own].join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args, ...own], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stderr.write(r.stdout);
  if (r.status !== 0) {
    console.error(`${script} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
}
console.log(JSON.stringify({ bench: 'all', results }));
