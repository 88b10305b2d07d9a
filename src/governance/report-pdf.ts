import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { TransparencyReport } from './report.model';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/** Standard PDF fonts speak WinAnsi only: anything else is shown as '?'. */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

/** The transparency report as a plain, publishable A4 PDF (pdf-lib, standard Helvetica). */
export async function reportPdf(r: TransparencyReport): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(ascii(`${r.site} transparency report`));
  doc.setCreator('SmartView');
  doc.setCreationDate(new Date(r.generatedAt));
  doc.setModificationDate(new Date(r.generatedAt));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const line = (text: string, o: { f?: PDFFont; size?: number; indent?: number; gap?: number } = {}) => {
    const size = o.size ?? 10;
    if (y - size < MARGIN) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
    }
    page.drawText(ascii(text), { x: MARGIN + (o.indent ?? 0), y: y - size, size, font: o.f ?? font, color: rgb(0.1, 0.1, 0.1) });
    y -= size + (o.gap ?? 4);
  };
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const n = (v: number) => v.toLocaleString('en-GB');
  line(`${r.site}: transparency report`, { f: bold, size: 18, gap: 8 });
  line(`Period ${iso(r.fromMs)} to ${iso(r.toMs)} (UTC); generated ${iso(r.generatedAt)}`);
  line('Aggregate figures only: no names, plates, case references or individual cameras\' activity.', { gap: 12 });
  line('Cameras', { f: bold, size: 13 });
  line(`Total: ${n(r.cameras.total)}`, { indent: 10 });
  for (const o of r.cameras.byOwner) line(`${o.ownerName ?? o.owner}: ${n(o.cameras)}`, { indent: 20 });
  line('By district', { indent: 10 });
  for (const d of r.cameras.byDistrict) line(`${d.district}: ${n(d.cameras)}`, { indent: 20 });
  line('Use', { f: bold, size: 13 });
  for (const [k, v] of [['Hours recorded', r.hoursRecorded], ['Live views', r.liveViews], ['Playbacks', r.playbacks], ['Searches', r.searches.total], ['Exports', r.exports], ['Cases assisted', r.casesAssisted], ['Hotlist hits', r.hotlistHits]] as const) {
    line(`${k}: ${n(v)}`, { indent: 10 });
  }
  line('Searches by kind', { indent: 10 });
  for (const s of r.searches.byKind) line(`${s.kind}: ${s.count === null ? `fewer than ${r.suppressBelow}` : n(s.count)}`, { indent: 20 });
  line('Footage deleted by retention', { f: bold, size: 13 });
  line(`${n(r.retention.deletedSegments)} segments, ${n(Math.round(r.retention.deletedBytes / 1_048_576))} MiB`, { indent: 10 });
  for (const c of r.retention.certificates) {
    line(`Certificate ${iso(c.fromMs)} to ${iso(c.toMs)}: ${n(c.count)} segments`, { indent: 10, gap: 1 });
    line(`sha256 ${c.listSha256}`, { indent: 20, size: 8 });
  }
  return doc.save();
}
