import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { searchApi } from './searchApi';
import type { CoverageCamera, TrackFilter } from './types';
import { useAnalysis } from './useAnalysis';

/** The coverage report answers for at most 50 cameras. */
const MAX_CAMERAS = 50;
const MIN = 60_000;
const REFRESH_AGAIN_MS = 3_000;
/** … and over at most 7 days: a longer search range is checked over its last 7 days. */
const MAX_SPAN_MS = 7 * 86_400_000;

/**
 * After a description search: which recordings in its range and cameras are not in the index yet, and
 * "Analyse this footage" to index them with recorded-footage jobs (progress shown); when they finish the
 * search runs again (`onIndexed`).
 */
export function CoveragePanel({ caseRef, filter, revision, onIndexed }: { caseRef: string; filter: TrackFilter; revision: number; onIndexed(): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [cov, setCov] = useState<CoverageCamera[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [check, setCheck] = useState(0);
  const later = useRef<number | undefined>(undefined);
  const indexed = useRef(onIndexed);
  indexed.current = onIndexed;
  useEffect(() => () => window.clearTimeout(later.current), []);
  const analysis = useAnalysis(caseRef, () => {
    setCheck((c) => c + 1);
    onIndexed();
    // A job reports "done" when its last frame is analysed; the tracks it ended are written to the index a
    // moment later (embedding, crop), so the search runs once more after that.
    window.clearTimeout(later.current);
    later.current = window.setTimeout(() => indexed.current(), REFRESH_AGAIN_MS);
  });

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    (async () => {
      let ids = filter.cameras ?? [];
      if (ids.length === 0) {
        const page = await api.cameras({ limit: MAX_CAMERAS, bbox: filter.bbox ?? undefined }, ac.signal);
        ids = page.items.map((c) => c.id);
      }
      if (ids.length === 0) return [];
      return (await searchApi.coverage(caseRef, ids.slice(0, MAX_CAMERAS), Math.max(filter.from, filter.to - MAX_SPAN_MS), filter.to, ac.signal)).cameras;
    })().then(setCov, (err: unknown) => {
      if (isAbort(err)) return;
      console.error('Index coverage could not be read', err);
      setError(err);
    });
    return () => ac.abort();
  }, [caseRef, filter, revision, check]);

  // Jobs already queued or running over the range are followed, and their footage is not offered again.
  const underWay = (cov ?? []).flatMap((c) => c.jobs.filter((j) => j.state === 'queued' || j.state === 'running').map((j) => ({ ...j, cameraId: c.cameraId })));
  const followed = analysis.jobs.length > 0;
  const { adopt } = analysis;
  useEffect(() => {
    if (!followed && underWay.length > 0) void adopt(underWay.map((j) => j.id));
  }, [followed, underWay.map((j) => j.id).join(','), adopt]);
  const gaps = (cov ?? []).flatMap((c) =>
    c.unanalysed
      .filter((u) => !underWay.some((j) => j.cameraId === c.cameraId && j.fromMs < u.endMs && j.toMs > u.startMs))
      .map((u) => ({ cameraId: c.cameraId, fromMs: u.startMs, toMs: u.endMs })),
  );
  const totalMs = gaps.reduce((n, g) => n + g.toMs - g.fromMs, 0);
  const pct = Math.round(analysis.progress * 100);
  if (error !== null) return <p className="notice bad" role="alert">{t('searchPage.coverage.failed', { message: errorText(t, error) })}</p>;
  if (!cov || (gaps.length === 0 && analysis.jobs.length === 0)) return null;
  return (
    <section className="card search-coverage" data-testid="coverage" data-gaps={gaps.length} data-state={analysis.running ? 'running' : analysis.jobs.length ? 'finished' : 'idle'}>
      {gaps.length > 0 && (
        <>
          <p className="warn-text" data-testid="coverage-summary">
            {t('searchPage.coverage.notIndexed', { minutes: Math.max(1, Math.round(totalMs / MIN)), cameras: [...new Set(gaps.map((g) => g.cameraId))].join(', ') })}
          </p>
          <ul className="coverage-gaps small">
            {gaps.slice(0, 20).map((g) => (
              <li key={`${g.cameraId}-${g.fromMs}`}>
                <span className="mono">{g.cameraId}</span> {formatHkt(g.fromMs)} – {formatHkt(g.toMs).slice(11)}
              </li>
            ))}
          </ul>
          {can('analytics.run') ? (
            <button type="button" className="primary" disabled={analysis.starting || analysis.running} onClick={() => void analysis.start(gaps)} data-testid="coverage-analyse">
              {t('searchPage.coverage.analyse')}
            </button>
          ) : (
            <p className="muted small">{t('searchPage.coverage.noPermission')}</p>
          )}
        </>
      )}
      {analysis.error !== null && <p className="error" role="alert">{errorText(t, analysis.error)}</p>}
      {analysis.jobs.length > 0 && (
        <div className="coverage-progress" data-testid="analysis-progress" data-value={pct}>
          <progress max={100} value={pct} aria-label={t('searchPage.coverage.progress')} /> <span className="small">{pct}%</span>
          <ul className="small">
            {analysis.jobs.map((j) => (
              <li key={j.id} data-testid="analysis-job" data-state={j.state}>
                <span className="mono">{j.cameraId}</span> {t(`analytics.jobs.states.${j.state}`)} · {t('analytics.jobs.counts', { frames: j.frames, tracks: j.tracks, events: j.events })}
                {j.error && <span className="error"> {j.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
