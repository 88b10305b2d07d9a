import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { markdownTable, textTable } from '../../capacity/format';
import { DEFAULT_INPUTS, type CapacityInputs } from '../../capacity/model';
import { parsePhases, planCapacity } from '../../capacity/plan';
import { printJsonLine, printLine } from '../output';

interface PlanOpts {
  phases?: string;
  bitrateMbps?: string;
  subStreamMbps?: string;
  retentionDays?: string;
  fastTierHours?: string;
  analyticsShare?: string;
  analyticsFps?: string;
  anprShare?: string;
  recorderCores?: string;
  recorderNicGbps?: string;
  analyticsCores?: string;
  dbRowsPerSec?: string;
  json?: boolean;
  markdown?: boolean;
}

function num(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError('bad_usage', `${flag}: expected a number, got '${v}'`);
  return n;
}

export function capacityInputs(o: PlanOpts): CapacityInputs {
  const d = DEFAULT_INPUTS;
  return {
    ...d,
    phases: o.phases ? parsePhases(o.phases) : d.phases,
    bitrateMbps: num('--bitrate-mbps', o.bitrateMbps, d.bitrateMbps),
    subStreamMbps: num('--sub-stream-mbps', o.subStreamMbps, d.subStreamMbps),
    retentionDays: num('--retention-days', o.retentionDays, d.retentionDays),
    fastTierHours: num('--fast-tier-hours', o.fastTierHours, d.fastTierHours),
    analyticsShare: num('--analytics-share', o.analyticsShare, d.analyticsShare),
    analyticsFps: num('--analytics-fps', o.analyticsFps, d.analyticsFps),
    anprShare: num('--anpr-share', o.anprShare, d.anprShare),
    dbRowsPerSecondPerPrimary: num('--db-rows-per-sec', o.dbRowsPerSec, d.dbRowsPerSecondPerPrimary),
    recorderNode: { ...d.recorderNode, cores: num('--recorder-cores', o.recorderCores, d.recorderNode.cores), nicGbps: num('--recorder-nic-gbps', o.recorderNicGbps, d.recorderNode.nicGbps) },
    analyticsNode: { ...d.analyticsNode, cores: num('--analytics-cores', o.analyticsCores, d.analyticsNode.cores) },
  };
}

export function registerCapacityCommands(program: Command): void {
  const cap = program.command('capacity').description('Capacity planning for city scale');
  cap
    .command('plan')
    .description('Storage, network, node counts and database write rates per phase, with the assumptions (defaults: the programme\'s phases to 66,500 cameras)')
    .option('--phases <list>', 'LABEL=CAMERAS,… e.g. "end 2025=11000,end 2026=31000"')
    .option('--bitrate-mbps <n>', 'recorded stream bitrate per camera (Mbit/s)')
    .option('--sub-stream-mbps <n>', 'analytics sub-stream bitrate (Mbit/s)')
    .option('--retention-days <n>', 'days of footage kept')
    .option('--fast-tier-hours <n>', 'hours kept on the fast tier before moving to the large tier')
    .option('--analytics-share <0..1>', 'share of cameras with live analytics')
    .option('--analytics-fps <n>', 'analysed frames per second per camera')
    .option('--anpr-share <0..1>', 'share of cameras reading plates')
    .option('--recorder-cores <n>', 'cores per recorder node')
    .option('--recorder-nic-gbps <n>', 'network per recorder node (Gbit/s)')
    .option('--analytics-cores <n>', 'cores per analytics node')
    .option('--db-rows-per-sec <n>', 'sustained rows/s per PostgreSQL primary')
    .option('--json', 'one JSON object per phase, then one with the inputs')
    .option('--markdown', 'a Markdown table (for docs)')
    .action((o: PlanOpts) => {
      const inputs = capacityInputs(o);
      const plans = planCapacity(inputs);
      if (o.json) {
        for (const p of plans) printJsonLine(p);
        printJsonLine({ inputs });
      } else printLine(o.markdown ? markdownTable(plans, inputs) : textTable(plans, inputs));
    });
}
