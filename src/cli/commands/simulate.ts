import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { createLogger } from '../../core/logger';
import { simulate, type SimulationReport } from '../../simulate/simulate';
import { printJsonLine, printLine } from '../output';

interface SimOpts {
  cameras: string;
  fraction: string;
  duration: string;
  nodes: string;
  postgresUrl?: string;
  nats?: string;
  keep?: boolean;
  json?: boolean;
}

function num(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError('bad_usage', `${flag}: expected a number from ${min} to ${max}, got '${v}'`);
  return n;
}

function text(r: SimulationReport): string {
  const lines = [`${r.nodes} nodes, ${r.cameras} cameras at ${r.fraction} × city rates, ${r.seconds} s of load + ${r.drainSeconds} s to store the backlog (load average ${r.loadavg.join(' ')})`, '',
    'kind        target/s   stored/s   produced     stored  lost  store lag p50/p99 ms  bus lag p50/p99 ms'];
  for (const [k, v] of Object.entries(r.perKind)) {
    lines.push(`${k.padEnd(10)} ${String(v.targetRowsPerS).padStart(9)} ${String(v.rowsPerS).padStart(10)} ${String(v.produced).padStart(10)} ${String(v.stored).padStart(10)} ${String(v.lost).padStart(5)}  ${`${v.storeLagMs.p50} / ${v.storeLagMs.p99}`.padStart(20)}  ${`${v.busLagMs.p50} / ${v.busLagMs.p99}`.padStart(18)}`);
  }
  lines.push(`total      ${String(r.total.targetRowsPerS).padStart(9)} ${String(r.total.rowsPerS).padStart(10)} ${String(r.total.produced).padStart(10)} ${String(r.total.stored).padStart(10)} ${String(r.total.lost).padStart(5)}  (dropped ${r.total.dropped}, failed ${r.total.failed})`, '');
  lines.push(`audit group commits: ${r.audit.appended} records in ${r.audit.transactions} transactions (${r.audit.recordsPerTransaction} per transaction, at most ${r.audit.maxBatch}; failed ${r.audit.failed})`);
  lines.push(`plate search during the load: p50 ${r.queries.plate.p50} ms, p95 ${r.queries.plate.p95} ms, p99 ${r.queries.plate.p99} ms (${r.queries.plate.n} queries)`);
  lines.push(`attribute search during the load: p50 ${r.queries.attribute.p50} ms, p95 ${r.queries.attribute.p95} ms, p99 ${r.queries.attribute.p99} ms (${r.queries.attribute.n} queries)`);
  return lines.join('\n');
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Load simulator: several node processes with synthetic cameras write metadata at a fraction of city rates into a private PostgreSQL database and NATS stream; reports throughput, lag, loss and search latency')
    .option('--cameras <n>', 'synthetic cameras', '66500')
    .option('--fraction <f>', 'share of each camera\'s city metadata rate (src/capacity/model.ts) to produce', '0.1')
    .option('--duration <s>', 'seconds of load', '30')
    .option('--nodes <k>', 'node processes', '2')
    .option('--postgres-url <url>', 'PostgreSQL admin URL (a database is created and dropped)', process.env.SMARTVIEW_SIMULATE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
    .option('--nats <urls>', 'NATS servers, comma-separated', 'nats://127.0.0.1:4222')
    .option('--keep', 'keep the database afterwards')
    .option('--json', 'one JSON object')
    .action(async (o: SimOpts) => {
      const r = await simulate({
        cameras: num('--cameras', o.cameras, 1, 1_000_000), fraction: num('--fraction', o.fraction, 0.0001, 100), durationS: num('--duration', o.duration, 1, 86_400), nodes: num('--nodes', o.nodes, 1, 16),
        postgresAdminUrl: o.postgresUrl!, natsServers: (o.nats ?? '').split(',').filter(Boolean), keep: o.keep === true, log: createLogger({ level: 'warn', destination: 2 }),
      });
      if (o.json) printJsonLine(r);
      else printLine(text(r));
    });
}
