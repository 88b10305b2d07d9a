import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { isoUtc } from '../../core/time';
import type { Hotlist, HotlistEntry } from '../../plates/hotlists/types';
import type { Sighting } from '../../plates/sightings/types';
import { ApiClient } from '../client';
import { printJsonLine, printLine, warn } from '../output';
import { parseTime } from './holds';

interface ServerOpts {
  url?: string;
  token?: string;
}

function serverOptions(cmd: Command): Command {
  return cmd.option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)').option('--token <token>', 'API token (or SMARTVIEW_TOKEN)');
}

const caseHeader = (ref?: string): Record<string, string> => (ref ? { 'x-case-ref': ref } : {});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sightingLine(s: Sighting): string {
  return `${isoUtc(s.seenAt)}\t${s.plate}\t${s.cameraId}\t${s.lat.toFixed(5)},${s.lon.toFixed(5)}\t${s.confidence.toFixed(2)}\t${s.vehicleClass ?? '-'}\t${s.id}`;
}

/** A hotlist by id or by name (names are unique per organisation; ambiguous names are refused). */
async function hotlistId(client: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const { items } = await client.json<{ items: Hotlist[] }>('GET', '/api/plates/hotlists');
  const hits = items.filter((h) => h.name === ref || `${h.owner}/${h.name}` === ref);
  if (hits.length === 1) return hits[0]!.id;
  if (!hits.length) throw new UserError('not_found', `No hotlist named '${ref}' in your scope (smartview plates hotlist list shows them)`);
  throw new UserError('ambiguous', `Several organisations have a hotlist named '${ref}': say owner/name (${hits.map((h) => `${h.owner}/${h.name}`).join(', ')})`);
}

/**
 * `smartview plates search|sightings|hotlist …` through the running server's audited API
 * (the `plates` group itself is created in plates.ts).
 */
export function registerPlateAdminCommands(plates: Command): void {
  serverOptions(plates.command('search <plate>'))
    .description('Search plate sightings (exact, prefix, wildcard AB?12*, fuzzy) in time order; needs a purpose and a case (audited)')
    .requiredOption('--purpose <text>', 'why you search (recorded in the audit trail)')
    .requiredOption('--case <ref>', 'case reference (recorded in the audit trail)')
    .option('--mode <mode>', 'exact | prefix | wildcard | fuzzy (default: wildcard when the plate holds ? or *, else exact)')
    .option('--from <time>', 'seen at or after: UTC ms or ISO 8601 with zone')
    .option('--to <time>', 'seen before: UTC ms or ISO 8601 with zone')
    .option('--cameras <ids>', 'camera ids, comma-separated')
    .option('--bbox <minLon,minLat,maxLon,maxLat>', 'area on the map')
    .option('--limit <n>', 'at most this many sightings (default 1000)', '1000')
    .option('--json', 'one JSON object a line')
    .action(async (plate: string, opts: ServerOpts & { purpose: string; case: string; mode?: string; from?: string; to?: string; cameras?: string; bbox?: string; limit: string; json?: boolean }) => {
      const max = Number(opts.limit);
      if (!Number.isInteger(max) || max < 1) throw new UserError('bad_usage', `--limit: a positive integer, got '${opts.limit}'`);
      const client = new ApiClient(opts);
      const qs = new URLSearchParams({ plate, purpose: opts.purpose, caseRef: opts.case });
      if (opts.mode) qs.set('mode', opts.mode);
      if (opts.from) qs.set('from', String(parseTime('--from', opts.from)));
      if (opts.to) qs.set('to', String(parseTime('--to', opts.to)));
      if (opts.cameras) qs.set('cameras', opts.cameras);
      if (opts.bbox) qs.set('bbox', opts.bbox);
      let n = 0;
      let cursor: string | null = null;
      do {
        qs.set('limit', String(Math.min(1000, max - n)));
        if (cursor) qs.set('cursor', cursor);
        const page: { items: Sighting[]; nextCursor: string | null; mode: string } = await client.json('GET', `/api/plates/search?${qs}`);
        for (const s of page.items) opts.json ? printJsonLine(s) : printLine(sightingLine(s));
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor && n < max);
      if (!opts.json) warn(`${n} sighting(s)${cursor ? ' (more: raise --limit)' : ''}`);
    });

  serverOptions(plates.command('sightings'))
    .description('Recent plate sightings in your scope, newest first')
    .option('--camera <ids>', 'camera ids, comma-separated')
    .option('--plate <plate>', 'exact plate')
    .option('--from <time>', 'UTC ms or ISO 8601 with zone')
    .option('--to <time>', 'UTC ms or ISO 8601 with zone')
    .option('--limit <n>', 'how many (default 50, at most 1000)', '50')
    .option('--json', 'one JSON object a line')
    .action(async (opts: ServerOpts & { camera?: string; plate?: string; from?: string; to?: string; limit: string; json?: boolean }) => {
      const qs = new URLSearchParams({ limit: opts.limit });
      if (opts.camera) qs.set('camera', opts.camera);
      if (opts.plate) qs.set('plate', opts.plate);
      if (opts.from) qs.set('from', String(parseTime('--from', opts.from)));
      if (opts.to) qs.set('to', String(parseTime('--to', opts.to)));
      const page = await new ApiClient(opts).json<{ items: Sighting[] }>('GET', `/api/plates/sightings?${qs}`);
      for (const s of page.items) opts.json ? printJsonLine(s) : printLine(sightingLine(s));
    });

  const hotlist = plates.command('hotlist').description('Hotlists: plates that raise an alert when read (every change audited with --case)');

  serverOptions(hotlist.command('list [list]'))
    .description('Your hotlists, or the entries of one (by id, name or owner/name)')
    .option('--json', 'one JSON object a line')
    .action(async (list: string | undefined, opts: ServerOpts & { json?: boolean }) => {
      const client = new ApiClient(opts);
      if (!list) {
        const { items } = await client.json<{ items: Hotlist[] }>('GET', '/api/plates/hotlists');
        for (const h of items) opts.json ? printJsonLine(h) : printLine(`${h.id}\t${h.owner}/${h.name}\t${h.entries} entries\t${h.description}`);
        return;
      }
      const id = await hotlistId(client, list);
      let after: string | null = null;
      do {
        const qs = new URLSearchParams({ limit: '1000' });
        if (after) qs.set('after', after);
        const page: { items: HotlistEntry[]; nextAfter: string | null } = await client.json('GET', `/api/plates/hotlists/${id}/entries?${qs}`);
        for (const e of page.items) {
          opts.json ? printJsonLine(e) : printLine(`${e.plate}\t${e.priority}\t${e.fuzzy ? 'fuzzy' : 'exact'}\t${e.validFrom === null ? '-' : isoUtc(e.validFrom)}\t${e.validTo === null ? '-' : isoUtc(e.validTo)}\t${e.caseRef ?? '-'}\t${e.reason}`);
        }
        after = page.nextAfter;
      } while (after);
    });

  serverOptions(hotlist.command('create <name>'))
    .description('Create a hotlist owned by an organisation')
    .requiredOption('--owner <org>', 'owning organisation')
    .option('--description <text>', 'what the list is for')
    .option('--case <ref>', 'case reference for the audit trail')
    .action(async (name: string, opts: ServerOpts & { owner: string; description?: string; case?: string }) => {
      const h = await new ApiClient(opts).json<Hotlist>('POST', '/api/plates/hotlists', { json: { name, owner: opts.owner, description: opts.description }, headers: caseHeader(opts.case) });
      printLine(h.id);
    });

  serverOptions(hotlist.command('add <list> <plate>'))
    .description('Add a plate to a hotlist')
    .requiredOption('--reason <text>', 'why the plate is wanted')
    .option('--priority <p>', 'low | medium | high | critical (the alert severity; default high)')
    .option('--fuzzy', 'also alert on reads one character away (after folding 0/O, 1/I, 8/B, 5/S, 2/Z)')
    .option('--valid-from <time>', 'UTC ms or ISO 8601 with zone')
    .option('--valid-to <time>', 'UTC ms or ISO 8601 with zone')
    .option('--case <ref>', 'case reference (stored with the entry and in the audit trail)')
    .action(async (list: string, plate: string, opts: ServerOpts & { reason: string; priority?: string; fuzzy?: boolean; validFrom?: string; validTo?: string; case?: string }) => {
      const client = new ApiClient(opts);
      const body = {
        plate, reason: opts.reason, priority: opts.priority, fuzzy: !!opts.fuzzy, caseRef: opts.case,
        validFrom: opts.validFrom ? parseTime('--valid-from', opts.validFrom) : undefined, validTo: opts.validTo ? parseTime('--valid-to', opts.validTo) : undefined,
      };
      const e = await client.json<HotlistEntry>('POST', `/api/plates/hotlists/${await hotlistId(client, list)}/entries`, { json: body, headers: caseHeader(opts.case) });
      printLine(`${e.id}\t${e.plate}`);
    });

  serverOptions(hotlist.command('remove <list> <plate-or-entry-id>'))
    .description('Remove a plate from a hotlist')
    .option('--case <ref>', 'case reference for the audit trail')
    .action(async (list: string, what: string, opts: ServerOpts & { case?: string }) => {
      const client = new ApiClient(opts);
      const id = await hotlistId(client, list);
      let entryId = UUID.test(what) ? what : null;
      if (!entryId) {
        const page = await client.json<{ items: HotlistEntry[] }>('GET', `/api/plates/hotlists/${id}/entries?limit=1&plate=${encodeURIComponent(what)}`);
        entryId = page.items[0]?.id ?? null;
        if (!entryId) throw new UserError('not_found', `${what} is not on that hotlist`);
      }
      await client.request('DELETE', `/api/plates/hotlists/${id}/entries/${entryId}`, { headers: caseHeader(opts.case) });
      warn('removed');
    });

  serverOptions(hotlist.command('import <list> <file>'))
    .description('Import a CSV (plate, reason, priority, fuzzy, valid_from, valid_to, case_ref): all rows or none, every bad row reported')
    .option('--replace', 'the file replaces every entry of the list')
    .option('--case <ref>', 'case reference for the audit trail (and the entries without case_ref)')
    .action(async (list: string, file: string, opts: ServerOpts & { replace?: boolean; case?: string }) => {
      const client = new ApiClient(opts);
      const text = readFileSync(file, 'utf8');
      const r = await client.json<{ imported: number; replaced: number }>('POST', `/api/plates/hotlists/${await hotlistId(client, list)}/import?replace=${opts.replace ? 'true' : 'false'}`, {
        text, contentType: 'text/csv', headers: caseHeader(opts.case),
      });
      warn(`${r.imported} entr${r.imported === 1 ? 'y' : 'ies'} imported${opts.replace ? `, ${r.replaced} replaced` : ''}`);
    });

  serverOptions(hotlist.command('export <list>'))
    .description('Export a hotlist as CSV (audited)')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (list: string, opts: ServerOpts & { out?: string }) => {
      const client = new ApiClient(opts);
      const csv = await (await client.request('GET', `/api/plates/hotlists/${await hotlistId(client, list)}/export`)).text();
      if (opts.out) writeFileSync(opts.out, csv);
      else process.stdout.write(csv);
    });
}

