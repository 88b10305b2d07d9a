import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { errorText } from '../../app/errors';
import { ResultCard } from './ResultCard';
import type { ResultTrack } from './types';
import type { Results } from './useResults';

interface Props {
  caseRef: string;
  results: Results;
  onMore(): void;
  onSimilar(t: ResultTrack): void;
  onFollow?(t: ResultTrack): void;
}

/** Results as a grid of crops, newest first (description) or most similar first (example); "load more" by cursor. */
export function ResultGrid({ caseRef, results, onMore, onSimilar, onFollow }: Props) {
  const { t } = useTranslation();
  const { query, items, nextCursor, similar, busy, error } = results;
  if (!query) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <section className="card search-results" data-testid="results" data-kind={query.kind} data-count={items.length} data-busy={busy ? 'yes' : 'no'}>
      <div className="toolbar">
        <h2>{query.kind === 'description' ? t('searchPage.results.title') : t('searchPage.results.similarTitle', { what: query.label })}</h2>
        <span className="muted small" data-testid="results-summary">
          {similar
            ? t('searchPage.results.similarSummary', { count: items.length, candidates: similar.candidates, method: t(`searchPage.results.methods.${similar.method}`), model: similar.model })
            : t('searchPage.results.summary', { count: items.length })}
        </span>
      </div>
      {error !== null && (
        <p className={`notice ${code === 'no_target_in_image' ? 'warn' : 'bad'}`} role="alert" data-testid="search-error" data-code={code ?? ''}>
          {code === 'no_target_in_image' ? t('searchPage.results.noTarget', { message: error instanceof ApiError ? error.message : '' }) : errorText(t, error)}
        </p>
      )}
      {!busy && error === null && items.length === 0 && <p className="muted" data-testid="results-empty">{t('searchPage.results.none')}</p>}
      <ul className="result-grid">
        {items.map((tr) => (
          <ResultCard key={tr.id} caseRef={caseRef} track={tr} onSimilar={onSimilar} onFollow={onFollow} />
        ))}
      </ul>
      {busy && <p className="muted">{t('common.loading')}</p>}
      {nextCursor && !busy && (
        <button type="button" onClick={onMore} data-testid="results-more">
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}
