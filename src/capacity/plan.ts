import { ValidationError } from '../core/errors';
import type { CapacityInputs, Phase } from './model';

export interface PhasePlan {
  label: string;
  cameras: number;
  /** Recorded ingest, Gbit/s. */
  ingestGbps: number;
  /** Sub-streams read by analytics, Gbit/s. */
  analyticsGbps: number;
  /** Raw footage held over the retention period, PB (10^15 bytes). */
  footagePB: number;
  /** Raw disk to buy for it (footage ÷ storage efficiency), PB. */
  diskPB: number;
  /** Fast tier (the last fastTierHours), TB. */
  fastTierTB: number;
  /** Sustained disk write, GB/s. */
  writeGBps: number;
  recorderNodes: number;
  /** What limits a recorder node: 'network' or 'cpu'. */
  recorderBound: 'network' | 'cpu' | 'disk';
  analysedCameras: number;
  analyticsNodes: number;
  apiNodes: number;
  db: {
    segmentsPerSec: number;
    tracksPerSec: number;
    sightingsPerSec: number;
    eventsPerSec: number;
    auditPerSec: number;
    totalRowsPerSec: number;
    /** PostgreSQL primaries (or shards) needed at the measured sustained ingest rate. */
    primaries: number;
    /** Metadata added per day, GB. */
    gbPerDay: number;
  };
  /** Messages per second on NATS (metadata only, never frames). */
  busMsgsPerSec: number;
}

function check(i: CapacityInputs): void {
  const positive: Array<[string, number]> = [
    ['bitrateMbps', i.bitrateMbps], ['retentionDays', i.retentionDays], ['segmentSeconds', i.segmentSeconds],
    ['storageEfficiency', i.storageEfficiency], ['recordCoresPerCamera', i.recordCoresPerCamera],
    ['analyticsCamerasPerCore', i.analyticsCamerasPerCore], ['dbRowsPerSecondPerPrimary', i.dbRowsPerSecondPerPrimary],
    ['camerasPerApiNode', i.camerasPerApiNode], ['recorderNode.cores', i.recorderNode.cores], ['recorderNode.nicGbps', i.recorderNode.nicGbps],
    ['recorderNode.utilisation', i.recorderNode.utilisation], ['analyticsNode.cores', i.analyticsNode.cores], ['analyticsNode.utilisation', i.analyticsNode.utilisation],
  ];
  for (const [k, v] of positive) if (!(Number.isFinite(v) && v > 0)) throw new ValidationError(`${k}: must be a positive number (got ${v})`);
  const shares: Array<[string, number]> = [['analyticsShare', i.analyticsShare], ['anprShare', i.anprShare], ['storageEfficiency', i.storageEfficiency], ['recorderNode.utilisation', i.recorderNode.utilisation], ['analyticsNode.utilisation', i.analyticsNode.utilisation]];
  for (const [k, v] of shares) if (!(v >= 0 && v <= 1)) throw new ValidationError(`${k}: must be between 0 and 1 (got ${v})`);
  if (i.phases.length === 0) throw new ValidationError('phases: give at least one phase, e.g. "2025=11000"');
  for (const p of i.phases) if (!(Number.isInteger(p.cameras) && p.cameras >= 0)) throw new ValidationError(`phases: '${p.label}' needs a whole number of cameras (got ${p.cameras})`);
}

const ceil = Math.ceil;

export function planPhase(i: CapacityInputs, phase: Phase): PhasePlan {
  const n = phase.cameras;
  const ingestGbps = (n * i.bitrateMbps) / 1000;
  const bytesPerSec = (n * i.bitrateMbps * 1e6) / 8;
  const footagePB = (bytesPerSec * 86_400 * i.retentionDays) / 1e15;
  const analysedCameras = Math.round(n * i.analyticsShare);
  const analyticsGbps = (analysedCameras * i.subStreamMbps) / 1000;

  const rn = i.recorderNode;
  const byNet = (rn.nicGbps * rn.utilisation * 1000) / i.bitrateMbps;
  const byCpu = (rn.cores * rn.utilisation) / i.recordCoresPerCamera;
  const byDisk = rn.diskWriteMBps ? (rn.diskWriteMBps * rn.utilisation * 8) / i.bitrateMbps : Infinity;
  const perRecorder = Math.floor(Math.min(byNet, byCpu, byDisk));
  const an = i.analyticsNode;
  const perAnalytics = Math.floor(an.cores * an.utilisation * i.analyticsCamerasPerCore * (2 / Math.max(i.analyticsFps, 0.01)));

  const segmentsPerSec = n / i.segmentSeconds;
  const tracksPerSec = (analysedCameras * i.tracksPerCameraHour) / 3600;
  const sightingsPerSec = (n * i.anprShare * i.sightingsPerAnprCameraHour) / 3600;
  const eventsPerSec = (analysedCameras * i.eventsPerCameraHour) / 3600;
  const auditPerSec = (n * i.auditPerCameraDay) / 86_400;
  const totalRowsPerSec = segmentsPerSec + tracksPerSec + sightingsPerSec + eventsPerSec + auditPerSec;
  const b = i.rowBytes;
  const gbPerDay = ((segmentsPerSec * b.segment + tracksPerSec * b.track + sightingsPerSec * b.sighting + eventsPerSec * b.event + auditPerSec * b.audit) * 86_400) / 1e9;

  return {
    label: phase.label,
    cameras: n,
    ingestGbps,
    analyticsGbps,
    footagePB,
    diskPB: footagePB / i.storageEfficiency,
    fastTierTB: (bytesPerSec * 3600 * Math.min(i.fastTierHours, i.retentionDays * 24)) / 1e12 / i.storageEfficiency,
    writeGBps: bytesPerSec / 1e9,
    recorderNodes: n === 0 ? 0 : ceil(n / Math.max(perRecorder, 1)) + 1, // +1: a node's cameras must fit elsewhere when it dies
    recorderBound: byDisk <= byNet && byDisk <= byCpu ? 'disk' : byNet <= byCpu ? 'network' : 'cpu',
    analysedCameras,
    analyticsNodes: analysedCameras === 0 ? 0 : ceil(analysedCameras / Math.max(perAnalytics, 1)) + 1,
    apiNodes: Math.max(2, ceil(n / i.camerasPerApiNode)),
    db: {
      segmentsPerSec, tracksPerSec, sightingsPerSec, eventsPerSec, auditPerSec, totalRowsPerSec,
      primaries: Math.max(1, ceil(totalRowsPerSec / i.dbRowsPerSecondPerPrimary)),
      gbPerDay,
    },
    // Every stored row is announced once (segment closed, track, sighting, event); audit rides the DB only.
    busMsgsPerSec: segmentsPerSec + tracksPerSec + sightingsPerSec + eventsPerSec,
  };
}

export function planCapacity(i: CapacityInputs): PhasePlan[] {
  check(i);
  return i.phases.map((p) => planPhase(i, p));
}

/** "2025=11000,2026=31000" → phases. */
export function parsePhases(text: string): Phase[] {
  const out: Phase[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(\d+)$/.exec(part);
    if (!m) throw new ValidationError(`--phases: '${part}' is not LABEL=CAMERAS (e.g. "end 2026=31000")`);
    out.push({ label: m[1]!.trim(), cameras: Number(m[2]) });
  }
  if (out.length === 0) throw new ValidationError('--phases: give at least one LABEL=CAMERAS');
  return out;
}
