/**
 * Proxied live delay: the same camera watched directly at the owning site and through the central site's
 * federation relay AT THE SAME TIME. Both sockets join the owner's one shared fMP4 remux, so each fragment is
 * byte-identical on both: its arrival time through the proxy minus its arrival time directly is the delay the
 * proxy adds (loopback, in-process servers on different ports and data dirs). Target: ≤ 300 ms (p95).
 *   node --import tsx bench/federation-live-delay.ts [--smoke] [--seconds N]
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { cameraInputSchema } from '../src/cameras/camera.model';
import { SYSTEM } from '../src/core/context';
import { makeTestClip } from '../test/support/media';
import { freePort, Site } from '../test/federation/sites';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : smoke ? 4 : 30;

const owner = new Site('owner');
const central = new Site('central');
for (const s of [owner, central]) s.port = await freePort();
await owner.start({ peers: [central.pin()], shares: [{ peer: 'central', cameras: ['cam-1'], live: true, roles: ['viewer', 'operator'] }] });
await central.start({ peers: [owner.pin()], inventoryRefreshMs: 600_000 });
mkdirSync(path.join(owner.dataDir, 'src'), { recursive: true });
const clip = makeTestClip(path.join(owner.dataDir, 'src', 'clip.mp4'), { seconds: 10, width: 640, height: 360 });
await owner.running!.sv.cameras.create(SYSTEM, cameraInputSchema.parse({ id: 'cam-1', name: 'c', owner: 'police', location: { lat: 22.3, lon: 114.1, district: 'D' }, source: { url: `file://${clip}` } }) as never);

async function tokenAt(site: Site): Promise<string> {
  const sv = site.running!.sv;
  await sv.users.create(SYSTEM, { username: 'op', password: 'Bench-Live-Pass-2026', grants: [{ role: 'operator', organisations: null, districts: null }] });
  const u = (await sv.users.list(SYSTEM)).find((x) => x.username === 'op')!;
  return (await sv.auth.createToken(SYSTEM, { name: 'b', userId: u.id })).token;
}
const [ownTok, cenTok] = [await tokenAt(owner), await tokenAt(central)];
const arrivals = { direct: new Map<string, number>(), proxied: new Map<string, number>() };
function watch(kind: 'direct' | 'proxied', url: string, token: string): WebSocket {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}`, 'x-purpose': 'latency bench' } });
  ws.on('message', (d, bin) => {
    if (!bin) return;
    const h = createHash('sha1').update(d as Buffer).digest('hex');
    if (!arrivals[kind].has(h)) arrivals[kind].set(h, performance.now());
  });
  ws.on('error', (err) => console.error(kind, err.message));
  return ws;
}
const direct = watch('direct', `${owner.url.replace('http', 'ws')}/api/cameras/cam-1/live/ws`, ownTok);
await new Promise((r) => setTimeout(r, 300)); // the owner's remux starts for the direct viewer first
const proxied = watch('proxied', `${central.url.replace('http', 'ws')}/api/federation/cameras/owner:cam-1/live/ws`, cenTok);
await new Promise((r) => setTimeout(r, seconds * 1000));
direct.close();
proxied.close();
const deltas: number[] = [];
for (const [h, t] of arrivals.proxied) {
  const d = arrivals.direct.get(h);
  if (d !== undefined) deltas.push(t - d);
}
deltas.sort((a, b) => a - b);
const q = (p: number) => +(deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))] ?? NaN).toFixed(1);
const result = { bench: 'federation-live-delay', seconds, fragmentsDirect: arrivals.direct.size, fragmentsProxied: arrivals.proxied.size, matched: deltas.length, addedMs: { p50: q(0.5), p95: q(0.95), max: q(1) }, targetMs: 300, ok: deltas.length > 0 && q(0.95) <= 300 };
await central.destroy();
await owner.destroy();
console.log(JSON.stringify(result));
if (!result.ok) process.exitCode = 1;
