import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCamera } from './cameras';
import { LivePlayer, type LiveStatus } from './live-player';

function statusText(t: (k: string, o?: Record<string, unknown>) => string, s: LiveStatus): string {
  switch (s.state) {
    case 'reconnecting':
      return t('liveView.state.reconnecting', { seconds: Math.ceil((s.retryInMs ?? 1000) / 1000) });
    case 'unsupported':
      return s.code === 'hevc' ? t('liveView.hevc', { codec: s.codec }) : s.code === 'no_mse' ? t('liveView.noMse') : t('liveView.unsupported', { codec: s.codec });
    case 'refused':
      return s.code === 'sharing_refused' ? t('errors.sharing_refused') : s.code === 'not_found' ? t('errors.not_found') : t('errors.forbidden');
    case 'error':
      return s.message || t('errors.unexpected');
    default:
      return t(`liveView.state.${s.state}`);
  }
}

/** One live camera: a muted <video> fed by MSE from the camera's WebSocket, with its state shown over it. */
export function LiveTile({ cameraId, purpose, onRemove }: { cameraId: string; purpose: string; onRemove(): void }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting' });
  const [transcode, setTranscode] = useState(false);
  const { camera } = useCamera(cameraId);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const player = new LivePlayer(video, { cameraId, purpose: purpose || undefined, transcode, onStatus: setStatus });
    player.start();
    return () => player.stop();
  }, [cameraId, purpose, transcode]);

  const playing = status.state === 'playing';
  return (
    <figure className="video-tile" data-testid="live-tile" data-camera={cameraId} data-state={status.state}>
      <figcaption className="tile-head">
        <span className="tile-name" title={cameraId}>
          {camera?.name ?? cameraId}
        </span>
        {playing && <span className="badge live-badge">{t('liveView.live')}</span>}
        {status.transcoded && <span className="badge">{t('liveView.transcoded')}</span>}
        <a className="button small" href={`/api/cameras/${encodeURIComponent(cameraId)}/snapshot`} target="_blank" rel="noopener" title={t('liveView.snapshotHint')}>
          {t('liveView.snapshot')}
        </a>
        <button type="button" className="icon" onClick={onRemove} aria-label={t('video.remove')} title={t('video.remove')}>
          ×
        </button>
      </figcaption>
      <div className="video-box">
        <video ref={videoRef} muted autoPlay playsInline data-testid="live-video" />
        {!playing && (
          <div className={`video-overlay ${status.state === 'refused' || status.state === 'unsupported' || status.state === 'error' ? 'bad' : ''}`} role="status">
            <p>{statusText(t, status)}</p>
            {status.state === 'unsupported' && status.code === 'hevc' && !transcode && (
              <button type="button" onClick={() => setTranscode(true)} data-testid="live-transcode">
                {t('liveView.hevcTranscode')}
              </button>
            )}
          </div>
        )}
      </div>
    </figure>
  );
}
