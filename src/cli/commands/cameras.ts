import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Camera } from '../../cameras/camera.model';
import type { Organisation } from '../../organisations/organisation.model';
import { UserError } from '../../core/errors';
import { ApiClient } from '../client';
import { printJsonLine, printLine, warn } from '../output';

interface ServerOpts {
  url?: string;
  token?: string;
}

function serverOptions(cmd: Command): Command {
  return cmd.option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)').option('--token <token>', 'API token (or SMARTVIEW_TOKEN)');
}

function formatOf(file: string, given?: string): 'csv' | 'geojson' {
  const f = given ?? (/\.(geo)?json$/i.test(file) ? 'geojson' : /\.csv$/i.test(file) ? 'csv' : undefined);
  if (f !== 'csv' && f !== 'geojson') throw new UserError('bad_format', `--format: say csv or geojson (cannot tell from '${path.basename(file)}')`);
  return f;
}

export function registerCameraCommands(program: Command): void {
  const cams = program.command('cameras').description('Camera inventory, through the running server\'s audited API');

  serverOptions(cams.command('list'))
    .description('List cameras in your scope')
    .option('--q <text>', 'text in id, name, address, district or tags')
    .option('--owner <ids>', 'owner organisation ids, comma-separated')
    .option('--district <names>', 'districts, comma-separated')
    .option('--bbox <box>', 'minLon,minLat,maxLon,maxLat')
    .option('--limit <n>', 'at most this many (default: all)')
    .option('--json', 'one JSON object a line')
    .action(async (opts: ServerOpts & { q?: string; owner?: string; district?: string; bbox?: string; limit?: string; json?: boolean }) => {
      const client = new ApiClient(opts);
      const max = opts.limit ? Number(opts.limit) : Infinity;
      if (Number.isNaN(max) || max < 1) throw new UserError('bad_limit', `--limit: expected a positive number, got '${opts.limit}'`);
      let cursor: string | null = null;
      let n = 0;
      do {
        const qs = new URLSearchParams({ limit: String(Math.min(1000, max - n)) });
        for (const k of ['q', 'owner', 'district', 'bbox'] as const) if (opts[k]) qs.set(k, opts[k]!);
        if (cursor) qs.set('cursor', cursor);
        const page: { items: Camera[]; nextCursor: string | null } = await client.json('GET', `/api/cameras?${qs}`);
        for (const c of page.items) {
          if (opts.json) printJsonLine(c);
          else printLine(`${c.id}\t${c.name}\t${c.owner}\t${c.location.district}\t${c.location.lat},${c.location.lon}\t${c.status}`);
        }
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor && n < max);
      if (!opts.json) warn(`${n} camera(s)`);
    });

  serverOptions(cams.command('import <file>'))
    .description('Import cameras from CSV or GeoJSON: every row or none; rejected rows are listed with their reasons')
    .option('--format <format>', 'csv or geojson (default: from the file name)')
    .option('--json', 'print the result as one JSON line')
    .action(async (file: string, opts: ServerOpts & { format?: string; json?: boolean }) => {
      const format = formatOf(file, opts.format);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UserError('file_unreadable', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      const client = new ApiClient(opts);
      const r = await client.json<{ imported: number }>('POST', `/api/cameras/import?format=${format}`, { text, contentType: format === 'csv' ? 'text/csv' : 'application/geo+json' });
      if (opts.json) printJsonLine({ source: file, imported: r.imported });
      else warn(`imported ${r.imported} camera(s) from ${file}`);
    });

  serverOptions(cams.command('export'))
    .description('Export the cameras in your scope (never credentials) to stdout')
    .option('--format <format>', 'csv or geojson', 'csv')
    .action(async (opts: ServerOpts & { format: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'geojson') throw new UserError('bad_format', `--format: expected csv or geojson, got '${opts.format}'`);
      const res = await new ApiClient(opts).request('GET', `/api/cameras/export?format=${opts.format}`);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), process.stdout);
    });

  const orgs = program.command('orgs').description('Camera owner organisations and their sharing policies (through the API)');
  serverOptions(orgs.command('list'))
    .description('List organisations')
    .option('--json', 'one JSON object a line')
    .action(async (opts: ServerOpts & { json?: boolean }) => {
      const r = await new ApiClient(opts).json<{ items: Organisation[] }>('GET', '/api/organisations');
      for (const o of r.items) {
        if (opts.json) printJsonLine(o);
        else printLine(`${o.id}\t${o.kind}\t${o.name}\tlive=${o.policy.liveAllowed} playback=${o.policy.playbackAllowed} retentionCap=${o.policy.retentionDaysCap ?? '-'}`);
      }
    });
  serverOptions(orgs.command('add <id>'))
    .description('Create or change an organisation')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--kind <kind>', 'police, department, public_body or private_partner')
    .option('--no-live', 'owner does not allow live viewing by others')
    .option('--no-playback', 'owner does not allow playback')
    .option('--retention-cap <days>', 'longest retention the owner allows')
    .option('--json', 'print the organisation as one JSON line')
    .action(async (id: string, opts: ServerOpts & { name: string; kind: string; live: boolean; playback: boolean; retentionCap?: string; json?: boolean }) => {
      const body = { name: opts.name, kind: opts.kind, policy: { liveAllowed: opts.live, playbackAllowed: opts.playback, retentionDaysCap: opts.retentionCap ? Number(opts.retentionCap) : null } };
      const o = await new ApiClient(opts).json<Organisation>('PUT', `/api/organisations/${encodeURIComponent(id)}`, { json: body });
      if (opts.json) printJsonLine(o);
      else warn(`organisation ${o.id} saved`);
    });
}
