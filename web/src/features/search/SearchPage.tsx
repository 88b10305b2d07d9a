import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { replaceHash, useRouteParams } from '../../app/router';
import { formatHkt } from '../../time/format';
import type { BreakGlass } from '../governance/api';
import { useCaseContext } from '../plates/useCaseContext';
import { CaseJourneys } from './CaseJourneys';
import { CasePanel } from './CasePanel';
import { CoveragePanel } from './CoveragePanel';
import { DescriptionForm } from './DescriptionForm';
import { ExampleSearch } from './ExampleSearch';
import { defaultDraft, toFilter, type FilterDraft } from './filters';
import { JourneyPanel } from './JourneyPanel';
import { ResultGrid } from './ResultGrid';
import type { ResultTrack, TrackFilter } from './types';
import { useResults } from './useResults';
import './search.css';

/**
 * Forensic search, bound to a case: search by description or by example, results as crops that open
 * playback, on-demand analysis of footage not yet indexed, and following a target across cameras.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const [caseCtx, setCaseCtx] = useCaseContext();
  const caseRef = caseCtx.caseRef.trim();
  const [draft, setDraft] = useState<FilterDraft>(() => defaultDraft(Date.now()));
  const [problem, setProblem] = useState<string | null>(null);
  const [searched, setSearched] = useState<{ filter: TrackFilter; revision: number } | null>(null);
  const [anchor, setAnchor] = useState<string | null>(() => params.get('follow'));
  const { results, run, more, reset } = useResults(caseRef);
  const [journeyRevision, setJourneyRevision] = useState(0);
  // Under the user's active break-glass the server lets person search through without a case (audited with its id);
  // journeys, coverage and analysis stay case-bound (they record into a case).
  const [breakGlass, setBreakGlass] = useState<BreakGlass | null>(null);
  const underBreakGlass = !caseRef && breakGlass !== null;
  const noCase = !caseRef;
  const cannotSearch = noCase && !underBreakGlass;
  useEffect(() => {
    if (!breakGlass) return;
    const timer = window.setTimeout(() => setBreakGlass(null), Math.max(0, breakGlass.expiresAt - Date.now()));
    return () => window.clearTimeout(timer);
  }, [breakGlass]);

  useEffect(() => {
    setAnchor(params.get('follow'));
  }, [params]);
  useEffect(() => {
    reset();
    setSearched(null);
  }, [caseRef, underBreakGlass, reset]);

  const filterOrProblem = (): TrackFilter | null => {
    const f = toFilter(draft);
    if ('problem' in f) {
      setProblem(t(`searchPage.describe.${f.problem}`));
      return null;
    }
    setProblem(null);
    return f.filter;
  };
  const describe = () => {
    const filter = filterOrProblem();
    if (!filter) return;
    void run({ kind: 'description', filter });
    setSearched((s) => ({ filter, revision: (s?.revision ?? 0) + 1 }));
  };
  const rerun = useCallback(() => {
    if (results.query) void run(results.query);
  }, [results.query, run]);
  // "Find similar" keeps the range, cameras and area of the form; the appearance does the rest.
  const baseFilter = (): TrackFilter | null => {
    const f = filterOrProblem();
    return f ? { from: f.from, to: f.to, cameras: f.cameras, bbox: f.bbox, classes: f.classes } : null;
  };
  const similarTo = (tr: ResultTrack) => {
    const f = baseFilter();
    if (f) void run({ kind: 'similar', filter: { ...f, classes: [tr.class] }, trackId: tr.id, label: t('searchPage.results.ofTrack', { camera: tr.cameraId }) });
  };
  const similarImage = (image: string, imageIsCrop: boolean, name: string) => {
    const f = baseFilter();
    if (f) void run({ kind: 'similar', filter: f, image, imageIsCrop, label: name });
  };
  const follow = (id: string | null) => {
    setAnchor(id);
    replaceHash('search', { follow: id ?? undefined });
    if (id) window.setTimeout(() => document.querySelector('[data-testid="journey"]')?.scrollIntoView({ behavior: 'smooth' }), 50);
  };

  return (
    <div className="page search-page">
      <h1>{t('searchPage.title')}</h1>
      <CasePanel value={caseCtx} onChange={setCaseCtx} onBreakGlass={(b) => setBreakGlass(b && b.expiresAt > Date.now() ? b : null)} />
      {!noCase && <CaseJourneys caseRef={caseRef} current={anchor} revision={journeyRevision} onOpen={follow} />}
      {underBreakGlass && (
        <p className="notice error" role="status" data-testid="search-break-glass" data-id={breakGlass.id}>
          {t('governancePage.breakGlass.searchNotice', { id: breakGlass.id, time: formatHkt(breakGlass.expiresAt) })}
        </p>
      )}
      {cannotSearch && (
        <p className="notice warn" role="status" data-testid="search-needs-case">
          {t('searchPage.needsCase')}
        </p>
      )}
      <div className="search-inputs">
        <DescriptionForm draft={draft} onDraft={setDraft} disabled={cannotSearch} busy={results.busy} onSearch={describe} />
        <ExampleSearch disabled={cannotSearch} busy={results.busy} onImage={similarImage} />
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="search-problem">
          {problem}
        </p>
      )}
      {!noCase && searched && results.query?.kind === 'description' && <CoveragePanel caseRef={caseRef} filter={searched.filter} revision={searched.revision} onIndexed={rerun} />}
      {!cannotSearch && <ResultGrid caseRef={caseRef} results={results} onMore={more} onSimilar={similarTo} onFollow={noCase ? undefined : (tr) => follow(tr.id)} />}
      {!noCase && anchor && <JourneyPanel caseRef={caseRef} purpose={caseCtx.purpose} anchorId={anchor} onStop={() => follow(null)} onDecided={() => setJourneyRevision((r) => r + 1)} />}
    </div>
  );
}
