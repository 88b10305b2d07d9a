import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../app/errors';
import { privacyApi, type Release } from './privacyApi';

/**
 * One masked or redacted copy of an export: its state (running → waiting for review → approved / rejected), the
 * faces and plates found (time span and where in the picture), the tracks to KEEP unblurred (e.g. the requester
 * of a subject-access request; rendering again restarts the review), and the download once it may leave.
 */
export function ReleaseCard({ release: r, onChanged }: { release: Release; onChanged: () => void }) {
  const { t } = useTranslation();
  const [keep, setKeep] = useState<Set<number>>(() => new Set(r.keepTracks));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const same = keep.size === r.keepTracks.length && r.keepTracks.every((id) => keep.has(id));
  const toggle = (id: number) => {
    const next = new Set(keep);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setKeep(next);
  };
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      await privacyApi.keep(r.id, [...keep].sort((a, b) => a - b));
      onChanged();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  const downloadable = r.status === 'ready' || r.status === 'approved';
  return (
    <article className="release-card" data-testid="release" data-id={r.id} data-status={r.status}>
      <header>
        <strong>{t(`privacyPage.release.kind.${r.kind}`)}</strong> {r.id}
        {r.requestRef && <small> · {t('privacyPage.review.request', { ref: r.requestRef })}</small>}
        <span className={`status status-${r.status}`} data-testid="release-status" role="status"> {t(`privacyPage.release.status.${r.status}`)}</span>
      </header>
      {r.status === 'failed' && r.error && <p className="error">{r.error}</p>}
      {(r.status === 'approved' || r.status === 'rejected') && r.reviewNote && (
        <p>{t('privacyPage.release.reviewed', { by: r.reviewedBy ?? '', note: r.reviewNote })}</p>
      )}
      {r.kind === 'redacted' && r.status !== 'running' && (
        r.tracks.length === 0 ? (
          <p className="empty">{t('privacyPage.release.noTracks')}</p>
        ) : (
          <>
            <p>{t('privacyPage.release.keepHint')}</p>
            <table className="release-tracks">
              <thead>
                <tr>
                  <th>{t('privacyPage.release.keep')}</th>
                  <th>{t('privacyPage.release.track')}</th>
                  <th>{t('privacyPage.release.where')}</th>
                  <th>{t('privacyPage.release.when')}</th>
                </tr>
              </thead>
              <tbody>
                {r.tracks.map((tr) => (
                  <tr key={tr.id} data-testid="release-track" data-track={tr.id} data-kind={tr.kind}>
                    <td>
                      <input type="checkbox" checked={keep.has(tr.id)} onChange={() => toggle(tr.id)} disabled={busy} aria-label={t('privacyPage.release.keepTrack', { id: tr.id })} data-testid="track-keep" />
                    </td>
                    <td>{t(`privacyPage.release.trackKind.${tr.kind}`, { id: tr.id })}</td>
                    <td>
                      {/* Where it is in the picture (no crop of the face is ever made or sent). */}
                      <svg viewBox="0 0 160 90" width="96" height="54" className="track-box" role="img" aria-label={t('privacyPage.release.where')}>
                        <rect x="0" y="0" width="160" height="90" fill="#333" />
                        <rect x={tr.box[0] * 160} y={tr.box[1] * 90} width={Math.max(2, tr.box[2] * 160)} height={Math.max(2, tr.box[3] * 90)} fill="none" stroke={tr.kind === 'face' ? '#ffcc00' : '#00ccff'} strokeWidth="2" />
                      </svg>
                    </td>
                    <td>{t('privacyPage.release.span', { from: tr.firstS.toFixed(1), to: tr.lastS.toFixed(1), n: tr.detections })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" onClick={() => void apply()} disabled={busy || same} data-testid="release-apply-keep">
              {t('privacyPage.release.applyKeep', { n: keep.size })}
            </button>
          </>
        )
      )}
      {r.status === 'pending_review' && <p>{t('privacyPage.release.waiting')}</p>}
      {downloadable && (
        <a className="button" href={privacyApi.downloadUrl(r.id)} download data-testid="release-download">{t('privacyPage.release.download')}</a>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </article>
  );
}
