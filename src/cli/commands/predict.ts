import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { type LineWarning, parseCameras, parseHistory, parseQueryLine, parseTruth, type QueryIn } from '../../predict/io';
import { type Answer, answer, score, trainModel } from '../../predict/offline';
import { METHODS, type Method, Predictor } from '../../predict/predict';
import { buildDataset, defaultHoldout, writeDataset } from '../../predict/sim/dataset';
import { printJsonLine, printLine, warn } from '../output';

interface InputOpts {
  cameras?: string;
  sightings?: string;
  queries?: string;
  truth?: string;
  dir?: string;
  top: string;
  json?: boolean;
}

const MAX_WARNINGS = 20;
/** History rows later than this after the current time are "in the future" (clock skew allowance). */
const FUTURE_SKEW_MS = 5 * 60_000;

function read(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError('file_unreadable', `${flag}: cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function positiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UserError('bad_usage', `${flag}: expected a positive whole number, got '${v}'`);
  return n;
}

/** Line warnings on stderr: the first few of each file in full, then a count. */
function warner(): { warn: (w: LineWarning) => void; flush: () => void } {
  const perFile = new Map<string, number>();
  return {
    warn: (w) => {
      const n = (perFile.get(w.file) ?? 0) + 1;
      perFile.set(w.file, n);
      if (n <= MAX_WARNINGS) warn(`warning: ${w.file} line ${w.line}: ${w.message}`);
    },
    flush: () => {
      for (const [file, n] of perFile) if (n > MAX_WARNINGS) warn(`warning: ${file}: ${n - MAX_WARNINGS} more warnings not shown (${n} in all)`);
    },
  };
}

function files(o: InputOpts, needTruth: boolean): { cameras: string; sightings: string; queries: string; truth?: string } {
  const inDir = (f: string) => (o.dir ? path.join(o.dir, f) : undefined);
  const cameras = o.cameras ?? inDir('cameras.csv');
  const sightings = o.sightings ?? inDir('history.csv');
  const queries = o.queries ?? inDir('queries.jsonl');
  const truth = o.truth ?? inDir('truth.jsonl');
  if (!cameras || !sightings || !queries || (needTruth && !truth)) {
    throw new UserError('bad_usage', `give --cameras, --sightings, --queries${needTruth ? ', --truth' : ''} (or --dir DIR holding cameras.csv, history.csv, queries.jsonl${needTruth ? ', truth.jsonl' : ''})`);
  }
  return { cameras, sightings, queries, truth };
}

function load(f: { cameras: string; sightings: string; queries: string }, w: ReturnType<typeof warner>) {
  const cameras = parseCameras(read('--cameras', f.cameras), f.cameras, w.warn);
  if (!cameras.length) throw new UserError('no_cameras', `${f.cameras}: no cameras (expected rows camera_id,lat,lon)`);
  const { sightings, report } = parseHistory(read('--sightings', f.sightings), f.sightings, new Set(cameras.map((c) => c.id)), Date.now() + FUTURE_SKEW_MS, w.warn);
  const t0 = performance.now();
  const { model } = trainModel(cameras, sightings);
  warn(
    `trained on ${sightings.length} sightings (${report.skipped} rows skipped, ${report.duplicates} duplicates dropped) of ${model.plateIndex.size} plates: ` +
      `${model.transitions} transitions, ${model.edges} camera pairs, ${cameras.length} cameras in ${Math.round(performance.now() - t0)} ms`,
  );
  const queries: QueryIn[] = [];
  read('--queries', f.queries)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      const q = parseQueryLine(raw, i + 1, f.queries, w.warn);
      if (q) queries.push(q);
    });
  return { model, queries };
}

export function registerPredictCommands(program: Command): void {
  const predict = program.command('predict').description('Interception: where and when a vehicle will be seen next (runs locally on the files given)');

  predict
    .command('next')
    .description('Rank the next cameras of each query trip, with probability and arrival time (eta_s after "now")')
    .option('--cameras <file>', 'cameras: CSV camera_id,lat,lon')
    .option('--sightings <file>', 'history: CSV plate,camera_id,ts (ISO-8601 UTC), any order, all before the query trips')
    .option('--queries <file>', 'JSONL {"id","plate","history":[{"camera_id","ts"}…],"now"} (the trip so far, oldest first)')
    .option('--dir <dir>', 'a directory holding cameras.csv, history.csv and queries.jsonl (as written by predict simulate)')
    .option('--top <K>', 'candidates per query', '5')
    .option('--method <name>', `model or a baseline: ${METHODS.join(', ')}`, 'model')
    .option('--detail', 'add the 10–90 % arrival interval (eta_lo_s, eta_hi_s) and the cameras 2 and 3 steps ahead')
    .option('--json', 'one JSON object a line: {"id","candidates":[{"camera_id","p","eta_s"}…]} (+ "warnings" when any)')
    .action((o: InputOpts & { method: string; detail?: boolean }) => {
      const top = positiveInt('--top', o.top, 5);
      if (!METHODS.includes(o.method as Method)) throw new UserError('bad_usage', `--method: expected one of ${METHODS.join(', ')}, got '${o.method}'`);
      const w = warner();
      const { model, queries } = load(files(o, false), w);
      const pred = new Predictor(model);
      let withWarnings = 0;
      for (const q of queries) {
        const a = answer(pred, q, { top, method: o.method as Method, detail: o.detail === true, wallNow: Date.now() + FUTURE_SKEW_MS });
        if (a.warnings) withWarnings++;
        if (o.json) printJsonLine(a);
        else printHuman(a);
      }
      w.flush();
      if (withWarnings) warn(`${withWarnings} of ${queries.length} queries have warnings (see their "warnings" field)`);
    });

  predict
    .command('evaluate')
    .description('Score the model and the baselines (nearest camera, first- and second-order Markov) on held-back trips')
    .option('--cameras <file>', 'cameras: CSV camera_id,lat,lon')
    .option('--sightings <file>', 'history: CSV plate,camera_id,ts')
    .option('--queries <file>', 'queries JSONL')
    .option('--truth <file>', 'truth JSONL {"id","next_camera","ts"}')
    .option('--dir <dir>', 'a directory written by predict simulate (cameras.csv, history.csv, queries.jsonl, truth.jsonl)')
    .option('--top <K>', 'candidates per query', '5')
    .option('--json', 'print one JSON object')
    .action((o: InputOpts) => {
      const top = positiveInt('--top', o.top, 5);
      const f = files(o, true);
      const w = warner();
      const { model, queries } = load(f, w);
      const truth = parseTruth(read('--truth', f.truth!), f.truth!, w.warn);
      w.flush();
      const pred = new Predictor(model);
      const nowById = new Map<string, number>();
      for (const q of queries) {
        const last = q.history.reduce((t, h) => Math.max(t, h.ts), -Infinity);
        if (q.now !== null || Number.isFinite(last)) nowById.set(q.id, q.now ?? last);
      }
      const results: Record<string, ReturnType<typeof score> & { msPerQuery: number }> = {};
      for (const method of METHODS) {
        const answers = new Map<string, Answer>();
        const t0 = performance.now();
        for (const q of queries) answers.set(q.id, answer(pred, q, { top, method, detail: false, wallNow: Date.now() + FUTURE_SKEW_MS }));
        const msPerQuery = (performance.now() - t0) / Math.max(1, queries.length);
        results[method] = { ...score(answers, truth, nowById), msPerQuery: Math.round(msPerQuery * 1000) / 1000 };
      }
      if (o.json) {
        printJsonLine({ queries: queries.length, truth: truth.size, methods: results });
        return;
      }
      const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
      const s = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} s`);
      printLine(`queries: ${queries.length}, truth rows: ${truth.size}`);
      printLine(`${'method'.padEnd(8)}  ${'top-1'.padStart(7)}  ${'top-3'.padStart(7)}  ${'|ETA err| median (n)'.padStart(22)}  ${'÷ travel time'.padStart(13)}  ${'ms/query'.padStart(8)}`);
      for (const [m, r] of Object.entries(results)) {
        printLine(`${m.padEnd(8)}  ${pct(r.top1).padStart(7)}  ${pct(r.top3).padStart(7)}  ${`${s(r.etaMedianAbsErrS)} (${r.etaN})`.padStart(22)}  ${pct(r.etaMedianRelErr).padStart(13)}  ${r.msPerQuery.toFixed(3).padStart(8)}`);
      }
    });

  predict
    .command('simulate')
    .description('Generate seeded city traffic: cameras.csv, history.csv, queries.jsonl and truth.jsonl for held-back days')
    .requiredOption('--out <dir>', 'output directory')
    .option('--vehicles <N>', 'vehicles', '2000')
    .option('--days <D>', 'simulated days (the first is a Monday)', '16')
    .option('--holdout-days <H>', 'last days held back for the queries (default: days ÷ 5)')
    .option('--cameras <C>', 'ANPR cameras at junctions of the 2,500-junction network', '300')
    .option('--queries <Q>', 'queries drawn from the held-back trips', '2000')
    .option('--miss-rate <r>', 'share of passing vehicles a camera does not read', '0.1')
    .option('--seed <S>', 'random seed', '1')
    .action((o: { out: string; vehicles: string; days: string; holdoutDays?: string; cameras: string; queries: string; missRate: string; seed: string }) => {
      const days = positiveInt('--days', o.days, 16);
      if (days < 2) throw new UserError('bad_usage', '--days: at least 2 (history and held-back days)');
      const holdoutDays = positiveInt('--holdout-days', o.holdoutDays, defaultHoldout(days));
      if (holdoutDays >= days) throw new UserError('bad_usage', `--holdout-days (${holdoutDays}) must be below --days (${days})`);
      const missRate = Number(o.missRate);
      if (!(missRate >= 0 && missRate < 1)) throw new UserError('bad_usage', `--miss-rate: expected 0 ≤ r < 1, got '${o.missRate}'`);
      const seed = Number(o.seed);
      if (!Number.isInteger(seed)) throw new UserError('bad_usage', `--seed: expected a whole number, got '${o.seed}'`);
      const t0 = performance.now();
      const ds = buildDataset({
        seed,
        vehicles: positiveInt('--vehicles', o.vehicles, 2000),
        days,
        holdoutDays,
        cameras: positiveInt('--cameras', o.cameras, 300),
        queries: positiveInt('--queries', o.queries, 2000),
        missRate,
      });
      writeDataset(o.out, ds);
      warn(`simulated ${ds.meta.sightings} sightings in ${Math.round(performance.now() - t0)} ms; wrote ${o.out}/{cameras.csv,history.csv,queries.jsonl,truth.jsonl,meta.json}`);
      printJsonLine(ds.meta);
    });
}

function printHuman(a: Answer): void {
  printLine(`${a.id}: ${a.candidates.map((c) => `${c.camera_id} p=${c.p.toFixed(2)} in ${Math.round(c.eta_s)} s`).join(', ') || '(no prediction)'}`);
  for (const s of a.ahead ?? []) printLine(`  ${s.step} steps: ${s.candidates.map((c) => `${c.camera_id} p=${c.p.toFixed(2)} in ${Math.round(c.eta_s)} s`).join(', ')}`);
  for (const w of a.warnings ?? []) printLine(`  warning: ${w}`);
}
