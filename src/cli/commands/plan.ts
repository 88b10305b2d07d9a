import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isAppError, UserError } from '../../core/errors';
import { assembleInstance, sniffFormat, type DemandLayerInput } from '../../plan/inputs/assemble';
import type { Area, RowProblem } from '../../plan/inputs/report';
import { coverageCsv, resultCsv, resultGeoJson, resultHtml } from '../../plan/output';
import { runPlan } from '../../plan/plan';
import type { PlanOptions } from '../../plan/types';
import { printJsonLine, printLine, progress, warn } from '../output';

interface SitesOpts {
  demand: string[];
  layerWeight: string[];
  candidates: string;
  existing?: string;
  obstacles?: string;
  radius: string;
  count?: string;
  budget?: string;
  exact?: boolean;
  timeLimit?: string;
  fov?: string;
  bearings?: string;
  doubleWeight?: string;
  pin?: string;
  forbid?: string;
  area?: string;
  json?: boolean;
  geojson?: string;
  csv?: string;
  coverageCsv?: string;
  report?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const ids = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

function number(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError('bad_usage', `${flag}: expected a number, got '${v}'`);
  return n;
}

function read(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError('file_unreadable', `${flag}: cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const layerName = (file: string) => path.basename(file).replace(/\.(csv|geojson|json)$/i, '');

function layers(o: SitesOpts): DemandLayerInput[] {
  const weights = new Map<string, number>();
  for (const lw of o.layerWeight) {
    const m = /^(.+)=(.+)$/.exec(lw);
    const w = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(w)) throw new UserError('bad_usage', `--layer-weight: expected NAME=WEIGHT (NAME = the demand file's name without extension), got '${lw}'`);
    weights.set(m[1]!, w);
  }
  const out = o.demand.map((file) => {
    const text = read('--demand', file);
    const name = layerName(file);
    return { name, source: path.basename(file), weight: weights.get(name) ?? 1, format: /\.(geo)?json$/i.test(file) ? ('geojson' as const) : sniffFormat(text), text };
  });
  const unknown = [...weights.keys()].filter((n) => !out.some((l) => l.name === n));
  if (unknown.length) throw new UserError('bad_usage', `--layer-weight: no demand layer named ${unknown.join(', ')} (layers: ${out.map((l) => l.name).join(', ')})`);
  return out;
}

function area(s?: string): Area | null {
  if (!s) return null;
  const n = s.split(',').map(Number);
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) throw new UserError('bad_usage', `--area: expected minLon,minLat,maxLon,maxLat, got '${s}'`);
  return n as Area;
}

function printRejected(err: unknown): boolean {
  if (!isAppError(err) || err.code !== 'plan_input_rejected') return false;
  const d = err.details as { fileErrors: string[]; rejected: RowProblem[]; totalRejected: number };
  warn(`error: ${err.message}`);
  for (const f of d.fileErrors) warn(`  ${f}`);
  for (const r of d.rejected.slice(0, 200)) warn(`  ${r.source} row ${r.row}${r.id ? ` (${r.id})` : ''}: ${r.errors.join('; ')}`);
  if (d.totalRejected > 200) warn(`  … and ${d.totalRejected - 200} more rows`);
  process.exitCode = 1;
  return true;
}

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('Camera site planning (runs locally on the files given; no server needed)');

  plan
    .command('sites')
    .description('Choose K new camera sites (or sites within a budget) that cover the most demand weight')
    .requiredOption('--demand <file>', 'demand layer: CSV id,lat,lon,weight[,district] or GeoJSON (Point/MultiPoint/Polygon); repeat for several layers', collect, [])
    .option('--layer-weight <name=w>', 'planner weight of a demand layer (name = file name without extension; default 1); repeatable', collect, [])
    .requiredOption('--candidates <file>', 'candidate sites: CSV id,lat,lon,cost[,height]')
    .option('--existing <file>', 'existing cameras: CSV id,lat,lon[,bearing,fov,range]')
    .option('--obstacles <file>', 'building footprints blocking line of sight: GeoJSON polygons [properties.height]')
    .requiredOption('--radius <metres>', 'coverage radius of a new camera')
    .option('--count <K>', 'number of sites to choose')
    .option('--budget <B>', 'total cost of the sites chosen at most B (instead of --count)')
    .option('--exact', 'solve exactly with the MILP solver (HiGHS), warm-started from the greedy')
    .option('--time-limit <s>', 'time limit of the exact solver in seconds (default 60)')
    .option('--fov <deg>', 'field of view of the new cameras (default 360: all round)')
    .option('--bearings <list>', 'bearings (degrees) to try per site, comma-separated (default: evenly spaced by --fov)')
    .option('--double-weight <0..1>', 'extra weight for points covered twice (default 0)')
    .option('--pin <ids>', 'candidate ids that must be chosen, comma-separated')
    .option('--forbid <ids>', 'candidate ids that must not be chosen, comma-separated')
    .option('--area <box>', 'planning area minLon,minLat,maxLon,maxLat: rows outside it are rejected')
    .option('--json', 'print the result as one JSON object')
    .option('--geojson <file>', 'write the chosen sites as GeoJSON (with marginal gains)')
    .option('--csv <file>', 'write the chosen sites as CSV (with marginal gains)')
    .option('--coverage-csv <file>', 'write coverage before/after per layer and district as CSV')
    .option('--report <file>', 'write a printable HTML report')
    .action(async (o: SitesOpts) => {
      if ((o.count === undefined) === (o.budget === undefined)) throw new UserError('bad_usage', 'give either --count K or --budget B');
      const options: PlanOptions = {
        radiusM: number('--radius', o.radius)!,
        count: number('--count', o.count),
        budget: number('--budget', o.budget),
        solver: o.exact ? 'exact' : 'greedy',
        timeLimitS: number('--time-limit', o.timeLimit),
        fovDeg: number('--fov', o.fov) ?? null,
        bearingsDeg: o.bearings ? o.bearings.split(',').map((b) => number('--bearings', b)!) : null,
        doubleCoverageWeight: number('--double-weight', o.doubleWeight) ?? 0,
        pinned: ids(o.pin),
        forbidden: ids(o.forbid),
      };
      let inst;
      try {
        inst = assembleInstance({
          demand: layers(o),
          candidates: { format: 'csv', text: read('--candidates', o.candidates), name: path.basename(o.candidates) },
          existing: o.existing ? { format: 'csv', text: read('--existing', o.existing), name: path.basename(o.existing) } : null,
          obstacles: o.obstacles ? { text: read('--obstacles', o.obstacles), name: path.basename(o.obstacles) } : null,
          area: area(o.area),
        });
      } catch (err) {
        if (printRejected(err)) return;
        throw err;
      }
      const bars = { coverage: progress('coverage'), greedy: progress('greedy'), exact: progress('exact (HiGHS)') };
      const r = await runPlan(inst, options, (stage, done, total) => bars[stage](done, total));
      if (o.geojson) writeFileSync(o.geojson, `${JSON.stringify(resultGeoJson(r, options.radiusM, options.fovDeg ?? null))}\n`);
      if (o.csv) writeFileSync(o.csv, resultCsv(r));
      if (o.coverageCsv) writeFileSync(o.coverageCsv, coverageCsv(r));
      if (o.report) writeFileSync(o.report, resultHtml(r, { title: 'Camera site plan', radiusM: options.radiusM, generatedAt: new Date().toISOString() }));
      if (o.json) {
        printJsonLine(r);
        return;
      }
      for (const [k, s] of r.sites.entries()) printLine(`${k + 1}\t${s.id}\t${s.lat},${s.lon}\t${s.bearingDeg ?? '-'}\tcost ${s.cost}\tgain ${s.marginalGain}${s.pinned ? '\tpinned' : ''}`);
      const pct = (a: number) => (r.total_weight ? ((100 * a) / r.total_weight).toFixed(1) : '0');
      warn(`${r.sites.length} site(s), solver ${r.solver} (${r.status}); covered ${r.covered_weight} of ${r.total_weight} (${pct(r.covered_weight)} %), before ${r.existing_weight} (${pct(r.existing_weight)} %); gap ${r.gap === null ? '-' : `${(r.gap * 100).toFixed(3)} %`}`);
    });
}
