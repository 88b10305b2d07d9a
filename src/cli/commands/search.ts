import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { isoUtc } from '../../core/time';
import type { IndexedTrack } from '../../search/model';
import { ApiClient } from '../client';
import { printJsonLine, printLine, warn } from '../output';
import { parseTime } from './holds';

interface SearchOpts {
  url?: string;
  token?: string;
  case: string;
  from: string;
  to: string;
  camera?: string;
  class?: string;
  upper?: string;
  lower?: string;
  vehicleColour?: string;
  carried?: string;
  direction?: string;
  plate?: string;
  bbox?: string;
  limit: number;
  similarTo?: string;
  image?: string;
  crop?: boolean;
  json?: boolean;
}

const list = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

function bbox(s: string | undefined): [number, number, number, number] | undefined {
  if (!s) return undefined;
  const v = s.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`--bbox: expected minLon,minLat,maxLon,maxLat; got '${s}'`);
  return v as [number, number, number, number];
}

function line(t: IndexedTrack & { similarity?: number }): string {
  const what = t.class === 'person' ? `${t.upperColour ?? '?'}/${t.lowerColour ?? '?'}${t.carried.length ? ` +${t.carried.join('+')}` : ''}` : `${t.vehicleColour ?? '?'}${t.plate ? ` ${t.plate}` : ''}`;
  return [t.id, t.cameraId, isoUtc(t.startedAt), t.class, what, t.direction ?? '', t.similarity !== undefined ? t.similarity.toFixed(3) : ''].join('\t').trimEnd();
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('Forensic search of indexed tracks on a running server, inside a case: by description, or --similar-to a track / --image a picture')
    .option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (or SMARTVIEW_TOKEN)')
    .requiredOption('--case <ref>', 'the case the search belongs to (sent as X-Case-Ref; audited with it)')
    .requiredOption('--from <time>', 'tracks that started at or after: UTC ms or ISO 8601 with zone')
    .requiredOption('--to <time>', 'and before (at most 31 days after --from)')
    .option('--camera <ids>', 'only these cameras, comma-separated')
    .option('--class <labels>', 'detector classes, comma-separated (person, car, bus, truck, …)')
    .option('--upper <colours>', 'person: upper-body colour, any of (black, white, grey, red, orange, yellow, green, blue, purple, pink, brown)')
    .option('--lower <colours>', 'person: lower-body colour, any of')
    .option('--vehicle-colour <colours>', 'vehicle colour, any of')
    .option('--carried <items>', 'person carries all of: backpack, handbag, umbrella, suitcase')
    .option('--direction <dirs>', 'image direction, any of: left, right, towards, away, stationary')
    .option('--plate <text>', 'plate as ANPR read it')
    .option('--bbox <box>', 'map area of the cameras: minLon,minLat,maxLon,maxLat', bbox)
    .option('--limit <n>', 'results (default 100)', (v: string) => {
      const n = Number(v);
      if (!(Number.isInteger(n) && n > 0 && n <= 500)) throw new InvalidArgumentError(`--limit must be a whole number from 1 to 500; got '${v}'`);
      return n;
    }, 100)
    .option('--similar-to <trackId>', 'rank by appearance similarity to this indexed track')
    .option('--image <file>', 'rank by similarity to the person or vehicle in this picture')
    .option('--crop', 'the --image is already a crop of the target (no detection)')
    .option('--json', 'one JSON object a line')
    .action(async (o: SearchOpts, cmd: Command) => {
      if (o.similarTo && o.image) cmd.error('error: give --similar-to or --image, not both', { exitCode: 2, code: 'smartview.usage' });
      const filter = {
        from: parseTime('--from', o.from), to: parseTime('--to', o.to), cameras: list(o.camera), classes: list(o.class), upperColour: list(o.upper), lowerColour: list(o.lower),
        vehicleColour: list(o.vehicleColour), carried: list(o.carried), direction: list(o.direction), plate: o.plate, bbox: o.bbox as unknown as [number, number, number, number] | undefined,
      };
      const client = new ApiClient(o);
      const headers = { 'x-case-ref': o.case };
      let items: (IndexedTrack & { similarity?: number })[];
      if (o.similarTo || o.image) {
        const body = o.similarTo
          ? { trackId: o.similarTo, filter, limit: Math.min(o.limit, 200) }
          : { image: (await readFile(o.image!)).toString('base64'), imageIsCrop: o.crop === true, filter, limit: Math.min(o.limit, 200) };
        const r = await client.json<{ items: (IndexedTrack & { similarity: number })[]; model: string; candidates: number }>('POST', '/api/search/similar', { json: body, headers });
        warn(`${r.items.length} most similar of ${r.candidates} tracks compared (model ${r.model})`);
        items = r.items;
      } else {
        const r = await client.json<{ items: IndexedTrack[]; nextCursor: string | null }>('POST', '/api/search/tracks', { json: { filter, limit: o.limit }, headers });
        if (r.nextCursor) warn(`more results: narrow the filter or raise --limit`);
        items = r.items;
      }
      for (const t of items) {
        if (o.json) printJsonLine(t);
        else printLine(line(t));
      }
    });
}
