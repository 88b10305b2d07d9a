import type { CapacityInputs } from './model';
import type { PhasePlan } from './plan';

const n0 = (v: number) => Math.round(v).toLocaleString('en-GB');
const n1 = (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const n2 = (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/** Rows of the plan table: [heading, value per phase]. */
function rows(plans: PhasePlan[]): Array<[string, string[]]> {
  const col = (f: (p: PhasePlan) => string) => plans.map(f);
  return [
    ['Cameras', col((p) => n0(p.cameras))],
    ['Recorded ingest (Gbit/s)', col((p) => n1(p.ingestGbps))],
    ['Analytics sub-streams (Gbit/s)', col((p) => n1(p.analyticsGbps))],
    ['Footage over retention (PB)', col((p) => n2(p.footagePB))],
    ['Raw disk to provision (PB)', col((p) => n2(p.diskPB))],
    ['Fast tier (TB)', col((p) => n0(p.fastTierTB))],
    ['Disk write (GB/s)', col((p) => n2(p.writeGBps))],
    ['Recorder nodes (N+1)', col((p) => `${n0(p.recorderNodes)} (${p.recorderBound}-bound)`)],
    ['Analysed cameras', col((p) => n0(p.analysedCameras))],
    ['Analytics nodes (N+1)', col((p) => n0(p.analyticsNodes))],
    ['API nodes', col((p) => n0(p.apiNodes))],
    ['DB rows/s: segments', col((p) => n0(p.db.segmentsPerSec))],
    ['DB rows/s: tracks', col((p) => n0(p.db.tracksPerSec))],
    ['DB rows/s: plate sightings', col((p) => n0(p.db.sightingsPerSec))],
    ['DB rows/s: events', col((p) => n1(p.db.eventsPerSec))],
    ['DB rows/s: audit', col((p) => n1(p.db.auditPerSec))],
    ['DB rows/s: total', col((p) => n0(p.db.totalRowsPerSec))],
    ['PostgreSQL primaries/shards', col((p) => n0(p.db.primaries))],
    ['Metadata per day (GB)', col((p) => n1(p.db.gbPerDay))],
    ['NATS messages/s', col((p) => n0(p.busMsgsPerSec))],
  ];
}

export function assumptions(i: CapacityInputs): string[] {
  return [
    `main stream ${i.bitrateMbps} Mbit/s per camera, recorded continuously, kept ${i.retentionDays} days; the last ${i.fastTierHours} h on the fast tier`,
    `usable share of raw disk ${i.storageEfficiency} (filesystem, redundancy, free-space floor)`,
    `recording CPU ${(i.recordCoresPerCamera * 100).toFixed(2)} % of a core per stream (measured: BENCHMARKS "Recorder")`,
    `recorder node ${i.recorderNode.cores} cores, ${i.recorderNode.nicGbps} Gbit/s, disks writing ${i.recorderNode.diskWriteMBps ?? '∞'} MB/s, used to ${i.recorderNode.utilisation * 100} %; one spare node per pool (N+1)`,
    `${i.analyticsShare * 100} % of cameras analysed live at ${i.analyticsFps} fps on a ${i.subStreamMbps} Mbit/s sub-stream; ${i.analyticsCamerasPerCore} cameras per core at 2 fps with motion gating (measured: BENCHMARKS "Cameras per box"), analytics node ${i.analyticsNode.cores} cores used to ${i.analyticsNode.utilisation * 100} %`,
    `${i.anprShare * 100} % of cameras read plates, ${i.sightingsPerAnprCameraHour} sightings per ANPR camera per hour`,
    `${i.tracksPerCameraHour} finished tracks and ${i.eventsPerCameraHour} events per analysed camera per hour; ${i.auditPerCameraDay} audit records per camera per day`,
    `one segment index row per ${i.segmentSeconds} s per camera; ${i.dbRowsPerSecondPerPrimary.toLocaleString('en-GB')} rows/s sustained per PostgreSQL primary (issue #11 target; re-measure with the simulator)`,
    `row sizes with indexes (bytes): segment ${i.rowBytes.segment}, track ${i.rowBytes.track} (512-d embedding), sighting ${i.rowBytes.sighting}, event ${i.rowBytes.event}, audit ${i.rowBytes.audit}`,
  ];
}

export function textTable(plans: PhasePlan[], i: CapacityInputs): string {
  const r = rows(plans);
  const head = ['', ...plans.map((p) => p.label)];
  const widths = head.map((h, c) => Math.max(h.length, ...r.map((row) => (c === 0 ? row[0] : row[1][c - 1]!).length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  return [line(head), ...r.map(([h, v]) => line([h, ...v])), '', 'Assumptions:', ...assumptions(i).map((a) => `- ${a}`)].join('\n');
}

export function markdownTable(plans: PhasePlan[], i: CapacityInputs): string {
  const r = rows(plans);
  return [
    `| | ${plans.map((p) => p.label).join(' | ')} |`,
    `|---|${plans.map(() => '---:').join('|')}|`,
    ...r.map(([h, v]) => `| ${h} | ${v.join(' | ')} |`),
    '',
    'Assumptions:',
    '',
    ...assumptions(i).map((a) => `- ${a}`),
  ].join('\n');
}
