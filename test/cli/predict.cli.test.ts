import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';

const SCORER = path.join(SHARED_DIR, 'checks/predict_score.py');

const run = (args: string[], cwd: string) => runCli(args, { cwd });

const hasPython = spawnSync('python3', ['--version']).status === 0;
const scoreSkip = sharedSkip('checks/predict_score.py') || (hasPython ? false : 'python3 is not installed; skipping the independent score');

let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-predict-cli-'));
  const r = await run(['predict', 'simulate', '--out', 'sim', '--vehicles', '400', '--days', '8', '--queries', '400', '--seed', '11'], dir);
  assert.equal(r.code, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const INPUTS = ['--cameras', 'sim/cameras.csv', '--sightings', 'sim/history.csv', '--queries', 'sim/queries.jsonl'];

test('predict simulate writes the four files in the formats of predict_score.py', () => {
  const cams = readFileSync(path.join(dir, 'sim/cameras.csv'), 'utf8').trim().split('\n');
  assert.equal(cams[0], 'camera_id,lat,lon');
  assert.equal(cams.length, 301);
  const hist = readFileSync(path.join(dir, 'sim/history.csv'), 'utf8').trim().split('\n');
  assert.equal(hist[0], 'plate,camera_id,ts');
  assert.match(hist[1]!, /^[A-Z]{2}\d{4},C\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const q = JSON.parse(readFileSync(path.join(dir, 'sim/queries.jsonl'), 'utf8').split('\n')[0]!);
  assert.deepEqual(Object.keys(q), ['id', 'plate', 'history', 'now']);
  const t = JSON.parse(readFileSync(path.join(dir, 'sim/truth.jsonl'), 'utf8').split('\n')[0]!);
  assert.deepEqual(Object.keys(t), ['id', 'next_camera', 'ts']);
});

test('predict next --json: one line a query, candidates best first with p and eta_s; --top', async () => {
  const r = await run(['predict', 'next', ...INPUTS, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /trained on \d+ sightings/);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 400);
  for (const a of lines) {
    assert.ok(a.candidates.length <= 5 && a.candidates.length > 0);
    for (const c of a.candidates) assert.deepEqual(Object.keys(c), ['camera_id', 'p', 'eta_s']);
    for (let i = 1; i < a.candidates.length; i++) assert.ok(a.candidates[i - 1].p >= a.candidates[i].p);
  }
  writeFileSync(path.join(dir, 'model.jsonl'), r.stdout);
  const m1 = await run(['predict', 'next', ...INPUTS, '--json', '--method', 'markov1', '--top', '3'], dir);
  assert.equal(m1.code, 0, m1.stderr);
  assert.ok(m1.stdout.trim().split('\n').every((l) => JSON.parse(l).candidates.length <= 3));
  writeFileSync(path.join(dir, 'markov1.jsonl'), m1.stdout);
  const d = await run(['predict', 'next', ...INPUTS, '--json', '--detail', '--top', '2'], dir);
  const first = JSON.parse(d.stdout.split('\n')[0]!);
  assert.ok(first.candidates[0].eta_lo_s <= first.candidates[0].eta_s && first.candidates[0].eta_s <= first.candidates[0].eta_hi_s);
  assert.deepEqual(first.ahead.map((s: { step: number }) => s.step), [2, 3]);
});

test('predict_score.py: the model beats the first-order Markov baseline on top-3', { skip: scoreSkip }, () => {
  const sc = (f: string) => {
    const s = spawnSync('python3', [SCORER, path.join(dir, f), '--truth', path.join(dir, 'sim/truth.jsonl'), '--queries', path.join(dir, 'sim/queries.jsonl'), '--json'], { encoding: 'utf8' });
    assert.equal(s.status, 0, s.stdout + s.stderr);
    return JSON.parse(s.stdout) as { top1: number; top3: number; missing: number; eta_median_abs_err_s: number };
  };
  const model = sc('model.jsonl');
  const m1 = sc('markov1.jsonl');
  assert.equal(model.missing, 0);
  assert.ok(model.top3 > m1.top3, `model ${model.top3} vs markov1 ${m1.top3}`);
  assert.ok(model.top1 > m1.top1 + 0.1, `model ${model.top1} vs markov1 ${m1.top1}`);
});

test('predict evaluate reports the model and every baseline, matching predict_score.py', async () => {
  const r = await run(['predict', 'evaluate', '--dir', 'sim', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(e.methods).sort(), ['markov1', 'markov2', 'model', 'nearest']);
  for (const m of Object.values(e.methods) as Array<{ top1: number; top3: number }>) assert.ok(m.top3 >= m.top1);
  assert.ok(e.methods.model.top3 > e.methods.markov1.top3);
  assert.ok(e.methods.model.top1 > e.methods.markov2.top1);
  assert.ok(e.methods.model.etaMedianRelErr < 0.3);
  if (!scoreSkip) {
    const s = spawnSync('python3', [SCORER, path.join(dir, 'model.jsonl'), '--truth', path.join(dir, 'sim/truth.jsonl'), '--queries', path.join(dir, 'sim/queries.jsonl'), '--json'], { encoding: 'utf8' });
    const py = JSON.parse(s.stdout);
    assert.ok(Math.abs(py.top3 - e.methods.model.top3) < 1e-9);
    assert.ok(Math.abs(py.eta_median_abs_err_s - e.methods.model.etaMedianAbsErrS) < 0.1);
  }
  const human = await run(['predict', 'evaluate', '--dir', 'sim'], dir);
  assert.match(human.stdout, /^model\s+\d+\.\d %/m);
});

test('bad input is reported with line numbers and never crashes', async () => {
  writeFileSync(path.join(dir, 'bad-history.csv'), ['plate,camera_id,ts', 'AB1,C1,2026-03-02T01:00:00Z', 'AB1,NOPE,2026-03-02T01:01:00Z', 'AB1,C2,2099-01-01T00:00:00Z', 'garbage', 'AB1,C1,2026-03-02T01:00:00Z'].join('\n'));
  writeFileSync(path.join(dir, 'bad-queries.jsonl'), ['{"id":"a","plate":"AB1","history":[{"camera_id":"NOPE","ts":"2026-03-02T02:00:00Z"},{"camera_id":"C1","ts":"2026-03-02T02:00:00"}]}', 'not json', '{"id":"b","plate":"ZZ9","history":[]}', ''].join('\n'));
  const r = await run(['predict', 'next', '--cameras', 'sim/cameras.csv', '--sightings', 'bad-history.csv', '--queries', 'bad-queries.jsonl', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /bad-history\.csv line 3: camera 'NOPE' is not in the cameras file/);
  assert.match(r.stderr, /bad-history\.csv line 4: .*in the future/);
  assert.match(r.stderr, /bad-history\.csv line 5: expected plate,camera_id,ts/);
  assert.match(r.stderr, /1 duplicates dropped/);
  assert.match(r.stderr, /bad-queries\.jsonl line 2: not JSON/);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((a) => a.id), ['a', 'b']);
  assert.ok(out[0].candidates.length > 0);
  assert.ok(out[0].warnings.some((w: string) => /unknown camera\(s\) NOPE/.test(w)));
  assert.deepEqual(out[1].candidates, []);
  const missing = await run(['predict', 'next', '--cameras', 'nope.csv', '--sightings', 'bad-history.csv', '--queries', 'bad-queries.jsonl'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--cameras: cannot read 'nope\.csv' \(ENOENT\)/);
  const usage = await run(['predict', 'next', ...INPUTS, '--top', '0'], dir);
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /--top: expected a positive whole number/);
});
