/**
 * Hotlist match → alert delivered on the bus, under a live read load.
 *
 *   npx tsx bench/hotlist-alert.ts [--smoke] [--engine sqlite|postgres|both] [--rate 200] [--seconds 10] [--entries 10000]
 *
 * A real SmartView (composition root, outbox relay, in-process bus) with a hotlist of --entries plates
 * (half of them fuzzy) and 20 cameras. Reads arrive at --rate per second (paced, not awaited: the
 * live stage does not wait either); 1 in 50 is on the hotlist (exact, a confusable, or one edit
 * away from a fuzzy entry). Measured: read → 'alert.raised' received by a bus subscriber
 * (target < 1 s at 200 reads/s), and as the baseline in the same run the latency of recording a read
 * that matches nothing, plus the in-memory match cost alone.
 * Prints a table on stderr and one JSON line on stdout.
 */
import { cameraInputSchema } from '../src/cameras/camera.model';
import { plateKey } from '../src/plates/grammar/index';
import { startTestServer } from '../test/support/server';
import { prng } from '../test/support/prng';
import { args, enginesArg, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', engine: 'string', rate: 'string', seconds: 'string', entries: 'string' });
const smoke = a.smoke === true;
const RATE = intArg(a.rate, 200);
const SECONDS = intArg(a.seconds, smoke ? 3 : 10);
const ENTRIES = intArg(a.entries, 10_000);
const engines = enginesArg(a.engine, smoke ? 'sqlite' : 'both', true);
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const SYSTEM = { principal: null, ip: null, systemActor: 'bench', caseRef: 'BENCH-1' };

async function runEngine(engine: 'sqlite' | 'postgres'): Promise<Record<string, unknown>> {
  const srv = await startTestServer({ engine });
  const sv = srv.running.sv;
  try {
    const r = prng(99);
    const pick = (s: string) => s[Math.floor(r() * s.length)]!;
    const cams: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `anpr-${i}`;
      await sv.cameras.create(SYSTEM, cameraInputSchema.parse({ id, name: id, owner: 'police', location: { lat: 22.3 + i / 1000, lon: 114.17, district: 'Wan Chai', address: '' }, source: { url: 'rtsp://10.0.0.1/s' } }));
      cams.push(id);
    }
    // Listed plates are 'H' + letter + 4 digits; unlisted reads never start with 'H' and are 2+ edits away.
    const listed = Array.from(new Set(Array.from({ length: ENTRIES * 2 }, () => `H${pick(LETTERS)}${1000 + Math.floor(r() * 9000)}`))).slice(0, ENTRIES);
    const list = await sv.plates.hotlists.create(SYSTEM, { name: 'Wanted', owner: 'police' });
    const csv = ['plate,reason,priority,fuzzy', ...listed.map((p, i) => `${p},bench,high,${i % 2 === 0}`)].join('\n');
    const t0 = performance.now();
    await sv.plates.hotlists.importCsv(SYSTEM, list.id, csv);
    const importMs = performance.now() - t0;
    const t1 = performance.now();
    await sv.plates.hotlistCache.reload();
    const reloadMs = performance.now() - t1;
    log(`${engine}: ${ENTRIES} entries imported in ${Math.round(importMs)} ms, matcher loaded in ${Math.round(reloadMs)} ms`);

    // The match alone, over unlisted keys (the common case).
    const probe = Array.from({ length: 20_000 }, () => plateKey(`${pick('ABCDEFG')}${pick(LETTERS)}${Math.floor(r() * 9999)}`));
    const m0 = performance.now();
    for (const k of probe) sv.plates.hotlistCache.matcher.match(k, Date.now());
    const matchUs = ((performance.now() - m0) / probe.length) * 1000;

    const sentAt = new Map<string, number>();
    const alertMs: number[] = [];
    const sub = await sv.bus.subscribe<{ title: string }>('alert.raised', (msg) => {
      const p = /Wanted: (\S+)/.exec(msg.data.title)?.[1];
      const t = p ? sentAt.get(p) : undefined;
      if (t !== undefined) {
        alertMs.push(performance.now() - t);
        sentAt.delete(p!);
      }
    });
    const recordMs: number[] = [];
    let failed = 0;
    let hits = 0;
    const pending = new Set<Promise<void>>();
    let maxPending = 0;
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      let text: string;
      const hit = i % 50 === 25;
      if (hit) {
        const base = listed[Math.floor(r() * listed.length)]!;
        const fuzzy = listed.indexOf(base) % 2 === 0;
        // exact, a confusable of it, or (fuzzy entries) one edit away: unique per read so the alert can be paired.
        text = fuzzy ? `${base}${i % 10}` : base.replace('1', 'I');
        if (sentAt.has(text)) continue;
        hits++;
      } else {
        text = `${pick('ABCDEFG')}${pick(LETTERS)}${Math.floor(r() * 9999)}`;
      }
      const sent = performance.now();
      if (hit) sentAt.set(text, sent);
      const p = sv.plates.sightings
        .record({ cameraId: cams[i % cams.length]!, plate: text, grammar: 'hk', seenAt: Date.now(), confidence: 0.9 })
        .then(
          () => void (hit ? undefined : recordMs.push(performance.now() - sent)),
          () => void failed++,
        )
        .finally(() => pending.delete(p));
      pending.add(p);
      maxPending = Math.max(maxPending, pending.size);
    }
    await Promise.all([...pending]);
    const elapsed = (performance.now() - start) / 1000;
    for (let w = 0; w < 300 && sentAt.size; w++) await new Promise((res) => setTimeout(res, 10));
    await sub.unsubscribe();
    const alerts = latencyStats(alertMs);
    const baseline = latencyStats(recordMs);
    log(`── ${engine}: ${total} reads in ${round(elapsed, 1)} s (${Math.round(total / elapsed)}/s), ${hits} hotlist hits, ${ENTRIES} entries ──`);
    log(`read → alert on bus   p50 ${alerts.p50} ms  p95 ${alerts.p95} ms  max ${alerts.max} ms  (${alerts.n}/${hits} delivered)`);
    log(`baseline: record, no hit  p50 ${baseline.p50} ms  p95 ${baseline.p95} ms;  match alone ${round(matchUs, 2)} µs;  max in flight ${maxPending};  failed ${failed}`);
    return {
      engine, entries: ENTRIES, reads: total, readsPerSecond: Math.round(total / elapsed), hits, delivered: alerts.n, missing: sentAt.size, failed, maxPending,
      importMs: Math.round(importMs), reloadMs: Math.round(reloadMs), matchUs: round(matchUs, 2), readToAlertMs: alerts, baselineRecordMs: baseline,
    };
  } finally {
    await srv.close();
  }
}

const results = [];
for (const e of engines) results.push(await runEngine(e));
finish({ bench: 'hotlist-alert', smoke, machine: machine(), targetMs: 1000, results });
