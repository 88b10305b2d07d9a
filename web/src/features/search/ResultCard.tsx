import { useTranslation } from 'react-i18next';
import { hrefFor } from '../../app/router';
import { formatHkt } from '../../time/format';
import { playbackWindow } from './filters';
import { TrackCrop } from './TrackCrop';
import type { ResultTrack } from './types';

interface Props {
  caseRef: string;
  track: ResultTrack;
  onSimilar(t: ResultTrack): void;
  /** Following a target across cameras records journey steps in a case: absent without one (break-glass). */
  onFollow?(t: ResultTrack): void;
}

/** One result: the crop, when and where (HKT, camera), what was seen, and what to do with it. */
export function ResultCard({ caseRef, track, onSimilar, onFollow }: Props) {
  const { t } = useTranslation();
  const w = playbackWindow(track.startedAt, track.endedAt);
  const attrs = [
    track.upperColour && t('searchPage.result.upper', { colour: t(`searchPage.colours.${track.upperColour}`) }),
    track.lowerColour && t('searchPage.result.lower', { colour: t(`searchPage.colours.${track.lowerColour}`) }),
    track.vehicleColour && t(`searchPage.colours.${track.vehicleColour}`),
    track.plate,
    ...track.carried.map((c) => t(`searchPage.carried.${c}`)),
    track.direction && t(`searchPage.directions.${track.direction}`),
  ].filter(Boolean);
  return (
    <li className="result-card" data-testid="result" data-id={track.id} data-camera={track.cameraId} data-started={track.startedAt} data-upper={track.upperColour ?? ''} data-similarity={track.similarity ?? ''}>
      <a href={hrefFor('playback', { cams: track.cameraId, from: w.from, to: w.to })} title={t('searchPage.result.play')} data-testid="result-play">
        <TrackCrop caseRef={caseRef} trackId={track.id} hasCrop={track.hasCrop} alt={t('searchPage.result.cropAlt', { camera: track.cameraId })} />
      </a>
      <div className="result-meta">
        <span className="mono small">{formatHkt(track.startedAt)}</span>
        <span className="small">
          <strong>{track.cameraId}</strong> · {t(`searchPage.classes.${track.class}`, { defaultValue: track.class })}
        </span>
        {attrs.length > 0 && <span className="muted small">{attrs.join(' · ')}</span>}
        {track.similarity !== undefined && (
          <span className="small" data-testid="result-score">
            {t('searchPage.result.similarity', { value: Math.round(track.similarity * 100) })}
          </span>
        )}
      </div>
      <div className="result-actions">
        <a className="button small" href={hrefFor('playback', { cams: track.cameraId, from: w.from, to: w.to })} data-testid="result-playback">
          {t('searchPage.result.play')}
        </a>
        <button type="button" className="small" onClick={() => onSimilar(track)} disabled={!track.embeddingModel} data-testid="result-similar">
          {t('searchPage.result.similar')}
        </button>
        {onFollow && (
          <button type="button" className="small" onClick={() => onFollow(track)} disabled={!track.embeddingModel} data-testid="result-follow">
            {t('searchPage.result.follow')}
          </button>
        )}
      </div>
    </li>
  );
}
