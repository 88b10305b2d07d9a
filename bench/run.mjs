#!/usr/bin/env node
// `npm run bench [-- --smoke]`: every benchmark, on both engines; prints each one's output and, last,
// one JSON line holding every benchmark's final JSON line. Extra arguments go to every benchmark.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const extra = process.argv.slice(2);
const runs = [
  ['bench/camera-import.ts', '--engine', 'both'],
  ['bench/camera-list.ts', '--engine', 'sqlite'],
  ['bench/camera-list.ts', '--engine', 'postgres'],
];
const results = [];
for (const [script, ...args] of runs) {
  console.error(`\n=== ${script} ${[...args, ...extra].join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stderr.write(r.stdout);
  if (r.status !== 0) {
    console.error(`${script} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
}
console.log(JSON.stringify({ bench: 'all', results }));
