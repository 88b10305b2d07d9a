import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { TrackCrop } from './TrackCrop';
import type { Proposal } from './types';

const pct = (x: number) => Math.round(x * 100);

/** Where the target may have gone next: candidates ranked by similarity × plausibility; unreachable ones flagged, not hidden. */
export function ProposalList({ caseRef, items, busy, onDecide }: { caseRef: string; items: Proposal[]; busy: boolean; onDecide(id: string, d: 'confirmed' | 'rejected'): void }) {
  const { t } = useTranslation();
  if (items.length === 0) return <p className="muted" data-testid="proposals-empty">{t('searchPage.journey.noProposals')}</p>;
  return (
    <ol className="proposal-list" data-testid="proposals">
      {items.map((p) => (
        <li key={p.id} className={`proposal${p.reachable ? '' : ' unreachable'}`} data-testid="proposal" data-id={p.id} data-camera={p.cameraId} data-reachable={p.reachable ? 'yes' : 'no'} data-score={p.score} data-similarity={p.similarity}>
          <TrackCrop caseRef={caseRef} trackId={p.id} hasCrop={p.hasCrop} alt={t('searchPage.result.cropAlt', { camera: p.cameraId })} />
          <div className="proposal-meta small">
            <strong>{p.cameraId}</strong> · <span className="mono">{formatHkt(p.startedAt)}</span>
            <div>{t('searchPage.journey.scores', { similarity: pct(p.similarity), plausibility: pct(p.plausibility), score: pct(p.score) })}</div>
            <div className="muted">{t('searchPage.journey.travel', { metres: p.distanceM, seconds: Math.round(p.elapsedMs / 1000) })}</div>
            {!p.reachable && (
              <div className="warn-text" data-testid="proposal-unreachable">
                {t('searchPage.journey.unreachable', { speed: p.requiredSpeedMs === null ? '—' : (p.requiredSpeedMs * 3.6).toFixed(0) })}
              </div>
            )}
          </div>
          <div className="proposal-actions">
            <button type="button" className="primary small" disabled={busy} onClick={() => onDecide(p.id, 'confirmed')} data-testid="proposal-confirm">
              {t('searchPage.journey.confirm')}
            </button>
            <button type="button" className="small" disabled={busy} onClick={() => onDecide(p.id, 'rejected')} data-testid="proposal-reject">
              {t('searchPage.journey.reject')}
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}
