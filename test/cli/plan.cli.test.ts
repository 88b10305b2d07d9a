import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { generateInstance, writeInstance } from '../../src/plan/generate';
import { prng } from '../support/prng';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';


const run = (args: string[], cwd: string) => runCli(args, { cwd });

const hasPython = spawnSync('python3', ['--version']).status === 0;
const scoreSkip = sharedSkip('checks/plan_score.py') || (hasPython ? false : 'python3 is not installed; skipping the independent score');

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plan-cli-'));
  writeInstance(dir, generateInstance(prng(21), { demand: 1500, candidates: 400, existing: 8 }), { K: 20, radius_m: 100 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const BASE = ['plan', 'sites', '--demand', 'demand.csv', '--candidates', 'candidates.csv', '--existing', 'existing.csv', '--radius', '100', '--count', '20'];

test('plan sites --json prints the result object; greedy and exact; files with marginal gains', async () => {
  const g = await run([...BASE, '--json', '--geojson', 'sites.geojson', '--csv', 'sites.csv', '--coverage-csv', 'coverage.csv', '--report', 'report.html'], dir);
  assert.equal(g.code, 0, g.stderr);
  const lines = g.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const r = JSON.parse(lines[0]!);
  for (const k of ['selected', 'covered_weight', 'total_weight', 'solver', 'gap']) assert.ok(k in r, `missing ${k}`);
  assert.equal(r.solver, 'greedy');
  assert.equal(r.selected.length, 20);
  assert.ok(r.gap >= 0 && r.gap < 0.5);
  assert.match(g.stderr, /coverage: 400\/400/);
  const gj = JSON.parse(readFileSync(path.join(dir, 'sites.geojson'), 'utf8'));
  assert.deepEqual(gj.features.map((f: { id: string }) => f.id), r.selected);
  assert.ok(gj.features.every((f: { properties: { marginal_gain: number } }) => f.properties.marginal_gain > 0));
  const csv = readFileSync(path.join(dir, 'sites.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'order,id,lat,lon,cost,bearing_deg,marginal_gain,pinned');
  assert.equal(csv.length, 21);
  assert.match(readFileSync(path.join(dir, 'coverage.csv'), 'utf8'), /^kind,name,total_weight,before,after\nlayer,demand,/);
  assert.match(readFileSync(path.join(dir, 'report.html'), 'utf8'), /<h1>Camera site plan<\/h1>/);

  const e = await run([...BASE, '--exact', '--time-limit', '30', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const x = JSON.parse(e.stdout);
  assert.equal(x.solver, 'exact');
  assert.equal(x.status, 'optimal');
  assert.ok(x.gap < 1e-5);
  assert.ok(x.covered_weight >= r.covered_weight);
  assert.ok(r.covered_weight >= 0.9 * x.covered_weight);
  writeFileSync(path.join(dir, 'exact.json'), e.stdout);
  writeFileSync(path.join(dir, 'greedy.json'), g.stdout);
});

test('plan_score.py recomputes the same covered weight from the CLI output', { skip: scoreSkip }, () => {
  for (const f of ['greedy.json', 'exact.json']) {
    const s = spawnSync('python3', [path.join(SHARED_DIR, 'checks/plan_score.py'), dir, path.join(dir, f)], { encoding: 'utf8' });
    assert.equal(s.status, 0, s.stdout + s.stderr);
    const last = JSON.parse(s.stdout.trim().split('\n').at(-1)!);
    const ours = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    assert.equal(last.valid, true);
    assert.ok(Math.abs(last.covered_weight - ours.covered_weight) < 1e-6, `${f}: scorer ${last.covered_weight} vs ours ${ours.covered_weight}`);
  }
});

test('bad rows are listed with file, row and id; K larger than the candidates is refused', async () => {
  writeFileSync(path.join(dir, 'bad.csv'), 'id,lat,lon,weight\nA,22.3,114.17,1\nA,22.3,114.17,1\nB,99,114.17,1\n');
  const b = await run(['plan', 'sites', '--demand', 'bad.csv', '--candidates', 'candidates.csv', '--radius', '100', '--count', '3', '--json'], dir);
  assert.equal(b.code, 1);
  assert.equal(b.stdout, '');
  assert.match(b.stderr, /bad\.csv row 3 \(A\): id: 'A' is a duplicate \(first used in row 2\)/);
  assert.match(b.stderr, /bad\.csv row 4 \(B\): lat: must be a number between -90 and 90/);
  const k = await run(['plan', 'sites', '--demand', 'demand.csv', '--candidates', 'candidates.csv', '--radius', '100', '--count', '401'], dir);
  assert.equal(k.code, 1);
  assert.match(k.stderr, /K = 401 is larger than the 400 candidate sites/);
  const both = await run(['plan', 'sites', '--demand', 'demand.csv', '--candidates', 'candidates.csv', '--radius', '100'], dir);
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /either --count K or --budget B/);
});
