import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { isoUtc } from '../../core/time';
import type { Hold } from '../../retention/hold.model';
import type { DeletionCertificate, SweepSummary } from '../../retention/index';
import { ApiClient } from '../client';
import { withLocalStore } from '../local';
import { printJsonLine, printLine, warn } from '../output';

interface ServerOpts {
  url?: string;
  token?: string;
}

function serverOptions(cmd: Command): Command {
  return cmd.option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)').option('--token <token>', 'API token (or SMARTVIEW_TOKEN)');
}

/** UTC ms, or ISO 8601 with a zone (Z or ±hh:mm): a time without a zone is ambiguous and refused. */
export function parseTime(flag: string, s: string): number {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  const ms = Date.parse(s);
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(s) || Number.isNaN(ms)) {
    throw new UserError('bad_time', `${flag}: expected UTC milliseconds or ISO 8601 with a zone (e.g. 2026-03-01T08:00:00+08:00), got '${s}'`);
  }
  return ms;
}

function holdLine(h: Hold): string {
  return `${h.id}\t${h.cameraId}\t${isoUtc(h.startMs)}\t${isoUtc(h.endMs)}\t${h.caseRef}\t${h.active ? 'active' : `released ${isoUtc(h.releasedAt!)} by ${h.releasedBy}`}\t${h.reason}`;
}

export function registerHoldCommands(program: Command): void {
  const holds = program.command('holds').description('Legal holds on recordings (through the running server\'s audited API; held footage is never deleted)');

  serverOptions(holds.command('add'))
    .description('Place a legal hold on a camera\'s footage over a time range, bound to a case')
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--from <time>', 'start: UTC ms or ISO 8601 with zone')
    .requiredOption('--to <time>', 'end (exclusive; may be in the future): UTC ms or ISO 8601 with zone')
    .requiredOption('--case <ref>', 'case reference the hold is bound to')
    .requiredOption('--reason <text>', 'why the footage must be kept')
    .option('--json', 'print the hold as one JSON line')
    .action(async (opts: ServerOpts & { camera: string; from: string; to: string; case: string; reason: string; json?: boolean }) => {
      const body = { cameraId: opts.camera, startMs: parseTime('--from', opts.from), endMs: parseTime('--to', opts.to), caseRef: opts.case, reason: opts.reason };
      const h = await new ApiClient(opts).json<Hold & { coverage: { segments: number; bytes: number } }>('POST', '/api/holds', { json: body });
      if (opts.json) printJsonLine(h);
      else {
        printLine(holdLine(h));
        warn(`hold ${h.id} placed; it keeps ${h.coverage.segments} segment(s) (${h.coverage.bytes} bytes) recorded so far, and whatever is recorded in its range later`);
      }
    });

  serverOptions(holds.command('list'))
    .description('List legal holds on cameras in your scope, newest first')
    .option('--camera <id>', 'only this camera')
    .option('--active', 'only active holds')
    .option('--released', 'only released holds')
    .option('--json', 'one JSON object a line')
    .action(async (opts: ServerOpts & { camera?: string; active?: boolean; released?: boolean; json?: boolean }) => {
      if (opts.active && opts.released) throw new UserError('bad_usage', '--active and --released exclude each other');
      const client = new ApiClient(opts);
      let cursor: string | null = null;
      let n = 0;
      do {
        const qs = new URLSearchParams({ limit: '1000' });
        if (opts.camera) qs.set('cameraId', opts.camera);
        if (opts.active || opts.released) qs.set('active', String(!!opts.active));
        if (cursor) qs.set('cursor', cursor);
        const page: { items: Hold[]; nextCursor: string | null } = await client.json('GET', `/api/holds?${qs}`);
        for (const h of page.items) opts.json ? printJsonLine(h) : printLine(holdLine(h));
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      if (!opts.json) warn(`${n} hold(s)`);
    });

  serverOptions(holds.command('release <id>'))
    .description('Release a legal hold (audited); retention may then delete the footage')
    .requiredOption('--reason <text>', 'why the hold ends (e.g. case closed, footage exported)')
    .option('--json', 'print the hold as one JSON line')
    .action(async (id: string, opts: ServerOpts & { reason: string; json?: boolean }) => {
      if (!/^\d+$/.test(id)) throw new UserError('bad_id', `hold id: expected a number, got '${id}'`);
      const h = await new ApiClient(opts).json<Hold>('POST', `/api/holds/${id}/release`, { json: { reason: opts.reason } });
      if (opts.json) printJsonLine(h);
      else warn(`hold ${h.id} released`);
    });

  const retention = program.command('retention').description('Retention of recordings');
  retention
    .command('run')
    .description('Run the retention sweep now on the LOCAL store and this node\'s storages (not through a server), until the backlog is done')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the summary as one JSON line')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const total = await withLocalStore(opts, async (sv) => {
        let sum: SweepSummary | undefined;
        for (let round = 1; ; round++) {
          const s = await sv.retention.sweeper.sweep();
          sum = sum ? merge(sum, s) : s;
          const n = Object.values(sum.deleted).reduce((a, d) => a + d.count, 0);
          if (!opts.json) warn(`sweep ${round}: ${n} segment(s) deleted so far${s.more ? ', continuing…' : ''}`);
          if (!s.more) return sum;
        }
      });
      if (opts.json) printJsonLine(total);
      else {
        for (const [rule, d] of Object.entries(total.deleted)) printLine(`${rule}\t${d.count} segment(s)\t${d.bytes} bytes`);
        for (const st of total.storages) printLine(`storage ${st.storage}\t${st.paused ? `PAUSED (${st.reason})` : 'recording'}\tused ${st.usedBytes}\tfree ${st.freeBytes ?? '?'}\theld ${st.heldBytes}`);
        if (total.refused) warn(`${total.refused} file(s) were refused (outside the storage root or not regular files): see the log`);
      }
    });

  serverOptions(retention.command('certificate'))
    .description('Deletion certificate for a period (count, bytes, by rule, by camera, digest), through the API')
    .requiredOption('--from <time>', 'UTC ms or ISO 8601 with zone')
    .requiredOption('--to <time>', 'UTC ms or ISO 8601 with zone (exclusive)')
    .action(async (opts: ServerOpts & { from: string; to: string }) => {
      const qs = new URLSearchParams({ from: String(parseTime('--from', opts.from)), to: String(parseTime('--to', opts.to)) });
      printJsonLine(await new ApiClient(opts).json<DeletionCertificate>('GET', `/api/retention/certificate?${qs}`));
    });
}

function merge(a: SweepSummary, b: SweepSummary): SweepSummary {
  const deleted = { ...a.deleted };
  for (const k of Object.keys(deleted) as Array<keyof typeof deleted>) deleted[k] = { count: a.deleted[k].count + b.deleted[k].count, bytes: a.deleted[k].bytes + b.deleted[k].bytes };
  return { ...b, startedAt: a.startedAt, ms: a.ms + b.ms, deleted, gone: a.gone + b.gone, refused: a.refused + b.refused, held: a.held + b.held };
}
