import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LivePlayer, type LiveStatus } from '../live/live-player';
import { remoteLiveUrl } from './federationApi';

/** A peer camera's live video, relayed through this site from its owner. */
export function RemoteLive({ cameraRef, purpose, onClose }: { cameraRef: string; purpose: string; onClose(): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting' });
  useEffect(() => {
    if (!video.current) return;
    const p = new LivePlayer(video.current, { cameraId: cameraRef, purpose, socketUrl: remoteLiveUrl(cameraRef, purpose), onStatus: setStatus });
    p.start();
    return () => p.stop();
  }, [cameraRef, purpose]);
  return (
    <div className="federation-live" data-testid="federation-live" data-state={status.state}>
      <div className="row">
        <strong>{cameraRef}</strong> <span className="muted">{t(`federationPage.liveState.${status.state}`)}</span>
        {status.message && <span className="error"> {status.message}</span>}
        <button type="button" onClick={onClose}>{t('federationPage.close')}</button>
      </div>
      <video ref={video} muted playsInline autoPlay width={480} />
    </div>
  );
}
