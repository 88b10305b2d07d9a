import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { hrefFor } from '../../app/router';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { playbackWindow } from './filters';
import { JourneyExport } from './JourneyExport';
import { JourneyMap } from './JourneyMap';
import { JourneyPlayer } from './JourneyPlayer';
import { ProposalList } from './ProposalList';
import { TrackCrop } from './TrackCrop';
import { useJourney } from './useJourney';

/**
 * Following a target across cameras: the confirmed journey (list and map), proposals for the next step from
 * its last track (confirm / reject), "play journey" and "export journey".
 */
export function JourneyPanel({ caseRef, purpose, anchorId, onStop, onDecided }: { caseRef: string; purpose: string; anchorId: string; onStop(): void; onDecided(): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { journey, decide } = useJourney(caseRef, anchorId, onDecided);
  const [playing, setPlaying] = useState(false);
  const { tracks, proposals, busy, error } = journey;
  const last = tracks[tracks.length - 1];

  return (
    <section className="card journey-panel" data-testid="journey" data-steps={tracks.length} data-path={tracks.map((x) => x.cameraId).join(',')} data-busy={busy ? 'yes' : 'no'}>
      <div className="toolbar">
        <h2>{t('searchPage.journey.title')}</h2>
        <div className="toolbar-actions">
          {can('playback.view') && (
            <button type="button" disabled={tracks.length < 2} onClick={() => setPlaying(true)} data-testid="journey-play">
              {t('searchPage.journey.play')}
            </button>
          )}
          {can('export.create') && <JourneyExport caseRef={caseRef} anchorTrackId={anchorId} disabled={tracks.length < 2 || busy} />}
          <button type="button" className="small" onClick={onStop} data-testid="journey-stop">
            {t('searchPage.journey.stop')}
          </button>
        </div>
      </div>
      {error !== null && (
        <p className="notice bad" role="alert" data-testid="journey-error">
          {errorText(t, error)}
        </p>
      )}
      {playing && tracks.length > 1 && <JourneyPlayer tracks={tracks} purpose={purpose} onClose={() => setPlaying(false)} />}
      <div className="journey-columns">
        <div>
          <h3>{t('searchPage.journey.confirmed', { count: tracks.length })}</h3>
          <ol className="journey-steps" data-testid="journey-steps">
            {tracks.map((tr, i) => {
              const w = playbackWindow(tr.startedAt, tr.endedAt);
              return (
                <li key={tr.id} data-testid="journey-step" data-id={tr.id} data-camera={tr.cameraId}>
                  <TrackCrop caseRef={caseRef} trackId={tr.id} hasCrop={tr.hasCrop} alt={t('searchPage.result.cropAlt', { camera: tr.cameraId })} />
                  <span className="small">
                    {i + 1}. <strong>{tr.cameraId}</strong> <span className="mono">{formatHkt(tr.startedAt)}</span> – <span className="mono">{formatHkt(tr.endedAt).slice(11)}</span>{' '}
                    <a href={hrefFor('playback', { cams: tr.cameraId, from: w.from, to: w.to })}>{t('searchPage.result.play')}</a>
                  </span>
                </li>
              );
            })}
          </ol>
          <JourneyMap tracks={tracks} />
        </div>
        <div>
          <h3>{last ? t('searchPage.journey.nextFrom', { camera: last.cameraId, at: formatHkt(last.endedAt) }) : t('common.loading')}</h3>
          {proposals && <p className="muted small">{t('searchPage.journey.candidates', { count: proposals.candidates })}</p>}
          {proposals && <ProposalList caseRef={caseRef} items={proposals.items} busy={busy} onDecide={(id, d) => void decide(id, d)} />}
          {busy && <p className="muted">{t('common.loading')}</p>}
        </div>
      </div>
    </section>
  );
}
