import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { errorText } from '../../../app/errors';
import { formatHktDate } from '../../../time/format';
import { governanceApi, type TransparencyReport } from '../api';

const HKT = 8 * 3_600_000;
/** "YYYY-MM-DD" read as a Hong Kong calendar day → UTC ms of its start. */
const dayStart = (d: string) => Date.parse(`${d}T00:00:00Z`) - HKT;

function lastMonth(): [string, string] {
  const now = new Date(Date.now() + HKT);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return [prev.toISOString().slice(0, 10), first.toISOString().slice(0, 10)];
}

/** The transparency report for a period: aggregate figures (no personal data), CSV and PDF downloads. */
export function TransparencyTab() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<[string, string]>(lastMonth);
  const [report, setReport] = useState<TransparencyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const from = dayStart(period[0]);
  const to = dayStart(period[1]);

  useEffect(() => {
    if (!(to > from)) return;
    const ac = new AbortController();
    setError(null);
    governanceApi.report(from, to, ac.signal).then(setReport, (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [from, to]);

  const n = (v: number | null) => (v === null ? t('governancePage.report.suppressed', { n: report?.suppressBelow ?? 0 }) : v.toLocaleString());
  return (
    <div className="governance-report" data-testid="report-tab">
      <h2>{t('governancePage.tabs.report')}</h2>
      <div className="toolbar card">
        <label>{t('governancePage.report.from')}<input type="date" value={period[0]} onChange={(e) => setPeriod([e.target.value, period[1]])} data-testid="report-from" /></label>
        <label>{t('governancePage.report.to')}<input type="date" value={period[1]} onChange={(e) => setPeriod([period[0], e.target.value])} data-testid="report-to" /></label>
        <a className="button" href={governanceApi.reportUrl('csv', from, to)} download data-testid="report-csv">CSV</a>
        <a className="button" href={governanceApi.reportUrl('pdf', from, to)} download data-testid="report-pdf">PDF</a>
      </div>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {report && (
        <div className="card" data-testid="report-figures">
          <p className="muted">{t('governancePage.report.period', { from: formatHktDate(report.fromMs), to: formatHktDate(report.toMs - 1) })} · {t('governancePage.report.noPersonal')}</p>
          <dl className="figures">
            <dt>{t('governancePage.report.cameras')}</dt><dd data-testid="fig-cameras">{n(report.cameras.total)}</dd>
            <dt>{t('governancePage.report.hoursRecorded')}</dt><dd data-testid="fig-hours">{n(report.hoursRecorded)}</dd>
            <dt>{t('governancePage.report.liveViews')}</dt><dd data-testid="fig-live">{n(report.liveViews)}</dd>
            <dt>{t('governancePage.report.playbacks')}</dt><dd>{n(report.playbacks)}</dd>
            <dt>{t('governancePage.report.searches')}</dt><dd data-testid="fig-searches">{n(report.searches.total)}</dd>
            {report.searches.byKind.map((s) => <Fragment key={s.kind}><dt className="sub">{t(`governancePage.report.kinds.${s.kind}`)}</dt><dd>{n(s.count)}</dd></Fragment>)}
            <dt>{t('governancePage.report.exports')}</dt><dd>{n(report.exports)}</dd>
            <dt>{t('governancePage.report.casesAssisted')}</dt><dd>{n(report.casesAssisted)}</dd>
            <dt>{t('governancePage.report.hotlistHits')}</dt><dd>{n(report.hotlistHits)}</dd>
            <dt>{t('governancePage.report.deleted')}</dt><dd data-testid="fig-deleted">{n(report.retention.deletedSegments)}</dd>
          </dl>
          <h3>{t('governancePage.report.byOwner')}</h3>
          <ul>{report.cameras.byOwner.map((o) => <li key={o.owner}>{o.ownerName ?? o.owner}: {o.cameras}</li>)}</ul>
          <h3>{t('governancePage.report.byDistrict')}</h3>
          <ul>{report.cameras.byDistrict.map((d) => <li key={d.district}>{d.district}: {d.cameras}</li>)}</ul>
          <h3>{t('governancePage.report.certificates')}</h3>
          <ul>{report.retention.certificates.map((c) => <li key={c.fromMs}><code>{formatHktDate(c.fromMs)} – {formatHktDate(c.toMs - 1)}: {c.count} · sha256 {c.listSha256}</code></li>)}</ul>
        </div>
      )}
    </div>
  );
}
