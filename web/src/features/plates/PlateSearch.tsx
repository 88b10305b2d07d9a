import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { CaseFields } from './CaseFields';
import { PathMap } from './PathMap';
import { PathTimeline } from './PathTimeline';
import { platesApi, type SearchParams } from './platesApi';
import { SearchForm } from './SearchForm';
import { SightingTable } from './SightingTable';
import type { PlateSearchResult, Sighting } from './types';
import { useCaseContext } from './useCaseContext';

const PAGE = 200;

/** Plate search inside a case: results oldest first as a list, on the map (the path) and on a timeline. */
export function PlateSearch() {
  const { t } = useTranslation();
  const [caseCtx, setCaseCtx] = useCaseContext();
  const [items, setItems] = useState<Sighting[] | null>(null);
  const [meta, setMeta] = useState<Pick<PlateSearchResult, 'mode' | 'plate' | 'nextCursor'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const last = useRef<{ params: SearchParams; ac: AbortController } | null>(null);
  const [breakGlass, setBreakGlass] = useState(false);

  const run = (params: SearchParams, cursor?: string) => {
    // Under break-glass (src/access) the server lets the search run without a case; a purpose is still needed.
    if ((!caseCtx.caseRef.trim() && !breakGlass) || !caseCtx.purpose.trim()) {
      setError(t('plates.case.missing'));
      return;
    }
    last.current?.ac.abort();
    const ac = new AbortController();
    last.current = { params, ac };
    setBusy(true);
    setError(null);
    platesApi.search(params, caseCtx, PAGE, cursor, ac.signal).then(
      (r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items));
        setMeta({ mode: r.mode, plate: r.plate, nextCursor: r.nextCursor });
        setBusy(false);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        setError(err instanceof Error ? err.message : String(err));
        setBusy(false);
      },
    );
  };

  return (
    <section className="plates-search">
      <h2>{t('plates.search.title')}</h2>
      <CaseFields value={caseCtx} onChange={setCaseCtx} onBreakGlass={setBreakGlass} />
      <SearchForm busy={busy} onSearch={(p) => run(p)} />
      {error && (
        <p className="error" role="alert" data-testid="search-error">
          {error}
        </p>
      )}
      {items && meta && (
        <>
          <p className="muted" data-testid="search-summary">
            {t('plates.search.summary', { count: items.length, mode: t(`plates.search.modes.${meta.mode}`), plate: meta.plate })}
          </p>
          <div className="plates-results">
            <SightingTable items={items} numbered canIntercept testId="search-results" />
            <PathMap items={items} />
          </div>
          <PathTimeline items={items} />
          {meta.nextCursor && last.current && (
            <button type="button" disabled={busy} onClick={() => last.current && run(last.current.params, meta.nextCursor ?? undefined)}>
              {t('plates.feed.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
