import { authorize } from '../auth/guard';
import type { AccessConfig } from '../config/access.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { csvLine } from './csv';
import { reportPdf } from './report-pdf';
import type { TransparencyReport } from './report.model';
import { ReportRepository } from './report.repository';

const DAY = 86_400_000;
export const MAX_REPORT_PERIOD_MS = 400 * DAY;

const SEARCH_KINDS: Array<{ kind: TransparencyReport['searches']['byKind'][number]['kind']; actions: string[] }> = [
  { kind: 'plate', actions: ['plate.search'] },
  { kind: 'person', actions: ['search.tracks', 'search.similar'] },
  { kind: 'journey', actions: ['journey.propose'] },
  { kind: 'interception', actions: ['predict.next'] },
];
const LIVE = ['live.view'];
const PLAYBACK = ['playback.view'];
const EXPORTS = ['export.create'];
const ALL = [...LIVE, ...PLAYBACK, ...EXPORTS, ...SEARCH_KINDS.flatMap((k) => k.actions), 'playback.snapshot', 'live.snapshot'];

/** Start of each UTC calendar month inside [from, to), with the period's ends: certificate boundaries. */
function monthBounds(from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = from;
  while (a < to) {
    const d = new Date(a);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const b = Math.min(next, to);
    out.push([a, b]);
    a = b;
  }
  return out;
}

/**
 * The transparency report for any period ('report.read'): aggregate figures only — no usernames, plates,
 * case references or camera-level activity. Cameras by owner and district, hours recorded, live views,
 * playbacks, searches by kind, exports, cases assisted (a count), hotlist hits, and footage deleted by
 * retention with one deletion certificate per calendar month (its list digest). Breakdown counts below
 * `access.report.suppressBelow` are published as null ("fewer than N"); totals never are. As JSON, CSV
 * and PDF; each generation is audited.
 */
export class TransparencyService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly config: AccessConfig['report'],
    private readonly siteName: string,
  ) {}

  async report(ctx: ActionContext, fromMs: number, toMs: number, format: 'json' | 'csv' | 'pdf' = 'json'): Promise<TransparencyReport> {
    authorize(ctx, 'report.read');
    if (!(toMs > fromMs)) throw new ValidationError('to must be after from (UTC ms)');
    if (toMs - fromMs > MAX_REPORT_PERIOD_MS) throw new ValidationError('The period is longer than 400 days: report one year at a time');
    const repo = new ReportRepository(this.store.db, this.store.engine);
    const cams = await repo.cameras(toMs);
    const byOwner = new Map<string, { owner: string; ownerName: string | null; cameras: number }>();
    const byDistrict = new Map<string, number>();
    for (const c of cams) {
      const o = byOwner.get(c.owner) ?? { owner: c.owner, ownerName: c.ownerName, cameras: 0 };
      o.cameras += c.cameras;
      byOwner.set(c.owner, o);
      byDistrict.set(c.district, (byDistrict.get(c.district) ?? 0) + c.cameras);
    }
    const counts = await repo.actionCounts(fromMs, toMs, ALL);
    const sum = (actions: string[]) => actions.reduce((t, a) => t + (counts.get(a) ?? 0), 0);
    const k = this.config.suppressBelow;
    const byKind = SEARCH_KINDS.map((s) => {
      const n = sum(s.actions);
      return { kind: s.kind, count: k > 0 && n > 0 && n < k ? null : n };
    });
    const certificates = [];
    for (const [a, b] of monthBounds(fromMs, toMs)) certificates.push(await repo.deletionCertificate(a, b));
    const report: TransparencyReport = {
      site: this.siteName, fromMs, toMs, generatedAt: this.clock.now(), suppressBelow: k,
      cameras: { total: cams.reduce((t, c) => t + c.cameras, 0), byOwner: [...byOwner.values()], byDistrict: [...byDistrict].map(([district, cameras]) => ({ district, cameras })).sort((x, y) => x.district.localeCompare(y.district)) },
      hoursRecorded: Math.round((await repo.hoursRecorded(fromMs, toMs)) * 100) / 100,
      liveViews: sum(LIVE),
      playbacks: sum(PLAYBACK),
      searches: { total: sum(SEARCH_KINDS.flatMap((s) => s.actions)), byKind },
      exports: sum(EXPORTS),
      casesAssisted: await repo.casesAssisted(fromMs, toMs, ALL),
      hotlistHits: await repo.hotlistHits(fromMs, toMs),
      retention: { deletedSegments: certificates.reduce((t, c) => t + c.count, 0), deletedBytes: certificates.reduce((t, c) => t + c.bytes, 0), certificates },
    };
    await this.audit.recordStandalone(ctx, { action: 'report.transparency', details: { fromMs, toMs, format } });
    return report;
  }

  async csv(ctx: ActionContext, fromMs: number, toMs: number): Promise<string> {
    return reportCsv(await this.report(ctx, fromMs, toMs, 'csv'));
  }

  async pdf(ctx: ActionContext, fromMs: number, toMs: number): Promise<Uint8Array> {
    return reportPdf(await this.report(ctx, fromMs, toMs, 'pdf'));
  }
}

/** The report as CSV: section,item,value rows (suppressed counts read "<N"). */
export function reportCsv(r: TransparencyReport): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  let out = csvLine(['section', 'item', 'value']);
  const row = (section: string, item: string, value: unknown) => (out += csvLine([section, item, value]));
  row('period', 'site', r.site);
  row('period', 'from', iso(r.fromMs));
  row('period', 'to', iso(r.toMs));
  row('period', 'generated', iso(r.generatedAt));
  row('cameras', 'total', r.cameras.total);
  for (const o of r.cameras.byOwner) row('cameras by owner', o.ownerName ?? o.owner, o.cameras);
  for (const d of r.cameras.byDistrict) row('cameras by district', d.district, d.cameras);
  row('recording', 'hours recorded', r.hoursRecorded);
  row('use', 'live views', r.liveViews);
  row('use', 'playbacks', r.playbacks);
  row('use', 'searches', r.searches.total);
  for (const s of r.searches.byKind) row('searches by kind', s.kind, s.count ?? `<${r.suppressBelow}`);
  row('use', 'exports', r.exports);
  row('use', 'cases assisted', r.casesAssisted);
  row('use', 'hotlist hits', r.hotlistHits);
  row('retention', 'segments deleted', r.retention.deletedSegments);
  row('retention', 'bytes deleted', r.retention.deletedBytes);
  for (const c of r.retention.certificates) row('deletion certificate', `${iso(c.fromMs)}/${iso(c.toMs)}`, `${c.count} segments; sha256 ${c.listSha256}`);
  return out;
}
