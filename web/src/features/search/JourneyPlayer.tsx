import '../live/video.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { playlistUrl } from '../playback/api';
import { VodPlayer, type VodError } from '../playback/vod-player';
import type { Track } from './types';

const PAD_MS = 2000;
const SPEEDS = [1, 2, 4, 8] as const;

/**
 * "Play journey": each step's camera over its time span (± a little), one after another, as one sequence
 * across cameras (HLS playback of the recordings, as the Playback page plays them).
 */
export function JourneyPlayer({ tracks, purpose, onClose }: { tracks: Track[]; purpose: string; onClose(): void }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [index, setIndex] = useState(0);
  const [clock, setClock] = useState<number | null>(null);
  const [error, setError] = useState<VodError | null>(null);
  const [ready, setReady] = useState(false);
  const [done, setDone] = useState(false);
  const [rate, setRate] = useState<number>(1);
  const rateRef = useRef(rate);
  rateRef.current = rate;
  const step = tracks[index];

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !step) return;
    const fromMs = step.startedAt - PAD_MS;
    const toMs = step.endedAt + PAD_MS;
    setReady(false);
    setError(null);
    const advance = () => {
      if (index + 1 < tracks.length) setIndex(index + 1);
      else setDone(true);
    };
    const player = new VodPlayer(video, {
      url: playlistUrl(step.cameraId, fromMs, toMs, purpose),
      onReady: () => {
        setReady(true);
        player.seekToWall(fromMs) || player.seekToWall(step.startedAt);
        video.playbackRate = rateRef.current;
        video.play().catch((err: unknown) => console.warn('The journey video did not start', err));
      },
      onError: (e) => {
        console.warn(`Journey playback of ${step.cameraId} failed`, e);
        setError(e);
      },
    });
    const onTime = () => {
      const wall = player.wallNow();
      setClock(wall);
      if (wall !== null && wall >= toMs) advance();
    };
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('ended', advance);
    player.start().catch((err: unknown) => {
      console.error('hls.js could not be loaded', err);
      setError({ status: 0, code: 'load_failed', message: err instanceof Error ? err.message : String(err) });
    });
    return () => {
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('ended', advance);
      player.destroy();
    };
  }, [step, index, tracks.length, purpose]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.playbackRate = rate;
  }, [rate]);

  return (
    <section className="journey-player" data-testid="journey-player" data-step={index} data-camera={step?.cameraId ?? ''} data-ready={ready ? 'yes' : 'no'} data-done={done ? 'yes' : 'no'}>
      <div className="toolbar">
        <strong>{t('searchPage.journey.playing', { step: index + 1, count: tracks.length, camera: step?.cameraId ?? '' })}</strong>
        <span className="mono small" data-testid="journey-clock">
          {formatHkt(clock)}
        </span>
        <div className="toolbar-actions">
          <label className="small">
            {t('searchPage.journey.speed')}{' '}
            <select value={rate} onChange={(e) => setRate(Number(e.target.value))} data-testid="journey-speed">
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="small" disabled={index === 0} onClick={() => { setDone(false); setIndex(index - 1); }} data-testid="journey-prev">
            {t('searchPage.journey.prev')}
          </button>
          <button type="button" className="small" disabled={index + 1 >= tracks.length} onClick={() => setIndex(index + 1)} data-testid="journey-next">
            {t('searchPage.journey.next')}
          </button>
          <button type="button" className="small" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
      <div className="video-box">
        <video ref={videoRef} muted playsInline controls data-testid="journey-video" />
        {(error || done) && (
          <div className={`video-overlay ${error ? 'bad' : ''}`} role="status">
            <p>{error ? t('playback.loadFailed', { message: error.message }) : t('searchPage.journey.ended')}</p>
          </div>
        )}
      </div>
    </section>
  );
}
