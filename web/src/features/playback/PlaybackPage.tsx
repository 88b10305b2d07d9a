import { useEffect, useMemo, useState } from 'react';
import '../live/video.css';
import { useTranslation } from 'react-i18next';
import { replaceHash, useRouteParams } from '../../app/router';
import { formatHkt, parseHktLocal } from '../../time/format';
import { CameraPicker } from '../live/CameraPicker';
import { CaseFields } from '../plates/CaseFields';
import { useCaseContext } from '../plates/useCaseContext';
import { PurposeField } from '../live/PurposeField';
import { PlaybackTile } from './PlaybackTile';
import { SyncGroup, type SyncState } from './sync';

const MAX_CAMERAS = 4;
const SPEEDS = [0.5, 1, 2, 4, 8] as const;
const MIN = 60_000;
const LENGTHS = [{ key: 'm15', ms: 15 * MIN }, { key: 'h1', ms: 60 * MIN }, { key: 'h6', ms: 360 * MIN }, { key: 'h24', ms: 1440 * MIN }] as const;

/** "2026-03-01T14:05" in Hong Kong time, for <input type="datetime-local">. */
function hktLocal(ms: number): string {
  const s = formatHkt(ms);
  return `${s.slice(0, 10)}T${s.slice(11, 16)}`;
}

function readWindow(p: URLSearchParams): { fromMs: number; toMs: number } {
  const to = Number(p.get('to'));
  const from = Number(p.get('from'));
  if (Number.isSafeInteger(to) && Number.isSafeInteger(from) && to > from && to - from <= 1440 * MIN) return { fromMs: from, toMs: to };
  const end = Math.ceil(Date.now() / MIN) * MIN;
  return { fromMs: end - 60 * MIN, toMs: end };
}

/** Recordings of up to four cameras, in step on one wall clock shown in Hong Kong time. */
export function PlaybackPage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const [cams, setCams] = useState<string[]>([]);
  const [win, setWin] = useState(() => readWindow(params));
  const [endInput, setEndInput] = useState('');
  const [lengthMs, setLengthMs] = useState(60 * MIN);
  const [purpose, setPurpose] = useState('');
  // The case of the tab (shared with search and plates): residential-facing and third-party cameras play only inside one.
  const [caseCtx, setCaseCtx] = useCaseContext();
  const [breakGlass, setBreakGlass] = useState(false);
  const [sync, setSync] = useState<SyncState>({ clockMs: null, playing: true, rate: 1, uncovered: [] });

  useEffect(() => {
    const w = readWindow(params);
    setCams((params.get('cams') ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, MAX_CAMERAS));
    setWin(w);
    setEndInput(hktLocal(w.toMs));
    setLengthMs(LENGTHS.find((l) => l.ms === w.toMs - w.fromMs)?.ms ?? w.toMs - w.fromMs);
  }, [params]);

  const group = useMemo(() => new SyncGroup(win.fromMs, setSync), [win.fromMs, win.toMs]);
  useEffect(() => {
    group.start();
    return () => group.stop();
  }, [group]);

  const save = (next: string[], w = win) => {
    setCams(next);
    setWin(w);
    replaceHash('playback', { cams: next.join(','), from: w.fromMs, to: w.toMs });
  };
  const applyWindow = () => {
    const end = parseHktLocal(endInput);
    if (end !== null) save(cams, { fromMs: end - lengthMs, toMs: end });
  };

  return (
    <div className="video-page">
      <div className="toolbar">
        <h1>{t('playback.title')}</h1>
        <div className="toolbar-actions">
          <label>
            {t('playback.end')}
            <input type="datetime-local" value={endInput} onChange={(e) => setEndInput(e.target.value)} data-testid="playback-end" />
          </label>
          <label>
            {t('playback.length')}
            <select value={lengthMs} onChange={(e) => setLengthMs(Number(e.target.value))}>
              {!LENGTHS.some((l) => l.ms === lengthMs) && <option value={lengthMs}>{t('playback.minutes', { count: Math.round(lengthMs / MIN) })}</option>}
              {LENGTHS.map((l) => (
                <option key={l.key} value={l.ms}>
                  {t(`playback.lengths.${l.key}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={applyWindow} data-testid="playback-load">
            {t('playback.load')}
          </button>
          <PurposeField value={purpose} onCommit={setPurpose} />
          <CaseFields value={caseCtx} onChange={setCaseCtx} withPurpose={false} onBreakGlass={setBreakGlass} />
        </div>
      </div>
      <div className="playback-controls card">
        <button type="button" className="primary" onClick={() => (sync.playing ? group.pause() : group.play())} data-testid="playback-toggle">
          {sync.playing ? t('playback.pause') : t('playback.play')}
        </button>
        <label className="inline">
          {t('playback.speed')}
          <select value={sync.rate} onChange={(e) => group.setRate(Number(e.target.value))} data-testid="playback-speed">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <span className="clock mono" data-testid="playback-clock" data-ms={sync.clockMs ?? ''}>
          {sync.clockMs !== null ? formatHkt(sync.clockMs) : '—'}
        </span>
        <span className="muted">{t('playback.window', { from: formatHkt(win.fromMs), to: formatHkt(win.toMs) })}</span>
      </div>
      <div className={`video-grid grid-${cams.length <= 1 ? 1 : 4}`}>
        {cams.map((id) => (
          <PlaybackTile
            key={`${id}:${win.fromMs}:${win.toMs}`}
            cameraId={id}
            fromMs={win.fromMs}
            toMs={win.toMs}
            purpose={purpose}
            caseRef={caseCtx.caseRef}
            breakGlass={breakGlass}
            group={group}
            clockMs={sync.clockMs}
            uncovered={sync.uncovered.includes(id)}
            onRemove={() => save(cams.filter((c) => c !== id))}
          />
        ))}
        {cams.length < MAX_CAMERAS && (
          <div className="video-tile empty">
            <p className="muted">{cams.length ? t('playback.addCamera') : t('video.pick')}</p>
            <CameraPicker exclude={cams} onPick={(id) => save([...cams, id])} />
          </div>
        )}
      </div>
    </div>
  );
}
