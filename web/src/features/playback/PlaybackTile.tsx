import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { useTimelineEvents } from '../alerts/useTimelineEvents';
import { useCamera } from '../live/cameras';
import { fetchTimeline, playlistUrl, snapshotUrl, type Timeline } from './api';
import type { SyncGroup } from './sync';
import { TimelineBar } from './TimelineBar';
import { VodPlayer, type VodError } from './vod-player';

interface Props {
  cameraId: string;
  fromMs: number;
  toMs: number;
  purpose: string;
  /** The case (needed for residential-facing or third-party cameras); a tile refused for want of one retries when it changes. */
  caseRef: string;
  /** The user's break-glass is active: a tile refused for want of a case retries when it starts. */
  breakGlass: boolean;
  group: SyncGroup;
  clockMs: number | null;
  uncovered: boolean;
  onRemove(): void;
}

/** One camera's recordings: the video (hls.js, in step with the others) and its timeline. */
/** Refusals of the playlist that a (different) case or a break-glass may lift. */
const CASE_REFUSALS = new Set(['case_required', 'case_not_authorised', 'case_closed', 'case_expired']);

export function PlaybackTile({ cameraId, fromMs, toMs, purpose, caseRef, breakGlass, group, clockMs, uncovered, onRemove }: Props) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const { camera } = useCamera(cameraId);
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [vodError, setVodError] = useState<VodError | null>(null);
  const [ready, setReady] = useState(false);
  const { can } = useAuth();
  const events = useTimelineEvents(cameraId, fromMs, toMs, can('analytics.read'));
  // The case is read when the player starts; changing it reloads only a tile that was refused for want of one.
  const caseNow = useRef(caseRef);
  caseNow.current = caseRef;
  const [attempt, setAttempt] = useState(0);
  const refusedForCase = vodError !== null && CASE_REFUSALS.has(vodError.code);
  useEffect(() => {
    if (refusedForCase) setAttempt((a) => a + 1);
  }, [caseRef, breakGlass]);

  useEffect(() => {
    const ac = new AbortController();
    setTimeline(null);
    setLoadError(null);
    fetchTimeline(cameraId, fromMs, toMs, ac.signal).then(setTimeline, (err: unknown) => {
      if (isAbort(err)) return;
      console.error(`Timeline of ${cameraId} failed`, err);
      setLoadError(err);
    });
    return () => ac.abort();
  }, [cameraId, fromMs, toMs]);

  const playable = timeline !== null && timeline.playbackAllowed && timeline.ranges.length > 0;
  useEffect(() => {
    const video = videoRef.current;
    if (!playable || !video) return;
    setVodError(null);
    const player = new VodPlayer(video, {
      url: playlistUrl(cameraId, fromMs, toMs, purpose, caseNow.current),
      onReady: () => {
        setReady(true);
        group.ready(cameraId);
      },
      onError: (e) => {
        console.warn(`Playback of ${cameraId} failed`, e);
        setVodError(e);
      },
    });
    group.add(cameraId, player);
    player.start().catch((err: unknown) => {
      console.error('hls.js could not be loaded', err);
      setVodError({ status: 0, code: 'load_failed', message: err instanceof Error ? err.message : String(err) });
    });
    return () => {
      group.remove(cameraId);
      player.destroy();
      setReady(false);
    };
  }, [playable, cameraId, fromMs, toMs, purpose, group, attempt]);

  let notice: string | null = null;
  if (loadError !== null) notice = errorText(t, loadError);
  else if (timeline && !timeline.playbackAllowed) notice = t('errors.sharing_refused');
  else if (timeline && timeline.ranges.length === 0) notice = t('playback.noRecordings');
  else if (vodError) notice = vodError.code === 'sharing_refused' || vodError.code === 'no_recordings' ? t(`errors.${vodError.code}`) : t('playback.loadFailed', { message: vodError.message });
  else if (!timeline || !ready) notice = t('common.loading');
  else if (uncovered) notice = t('playback.noRecordingHere');

  return (
    <figure className="video-tile" data-testid="playback-tile" data-camera={cameraId} data-ready={ready ? 'yes' : 'no'}>
      <figcaption className="tile-head">
        <span className="tile-name" title={cameraId}>
          {camera?.name ?? cameraId}
        </span>
        {timeline && <span className="muted small">{t('playback.coverage', { percent: Math.round(timeline.coverage * 100) })}</span>}
        {ready && clockMs !== null && !uncovered && (
          <a className="button small" href={snapshotUrl(cameraId, clockMs)} target="_blank" rel="noopener" title={t('playback.snapshotHint')}>
            {t('liveView.snapshot')}
          </a>
        )}
        <button type="button" className="icon" onClick={onRemove} aria-label={t('video.remove')} title={t('video.remove')}>
          ×
        </button>
      </figcaption>
      <div className="video-box">
        <video ref={videoRef} muted playsInline data-testid="playback-video" />
        {notice !== null && (
          <div className={`video-overlay ${loadError !== null || vodError || (timeline && !timeline.playbackAllowed) ? 'bad' : ''}`} role="status">
            <p>{notice}</p>
          </div>
        )}
      </div>
      <TimelineBar timeline={timeline} fromMs={fromMs} toMs={toMs} cursorMs={clockMs} onSeek={(ms) => group.seek(ms)} events={events?.items} />
    </figure>
  );
}
