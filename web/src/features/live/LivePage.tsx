import { useEffect, useState } from 'react';
import './video.css';
import { useTranslation } from 'react-i18next';
import { replaceHash, useRouteParams } from '../../app/router';
import { CameraPicker } from './CameraPicker';
import { LiveTile } from './LiveTile';
import { PurposeField } from './PurposeField';

export const LAYOUTS = [1, 4, 9] as const;
type Layout = (typeof LAYOUTS)[number];

function readLayout(v: string | null, cams: number): Layout {
  const n = Number(v);
  if ((LAYOUTS as readonly number[]).includes(n)) return n as Layout;
  return LAYOUTS.find((l) => l >= cams) ?? 9;
}

function slots(ids: ReadonlyArray<string | null>, n: number): Array<string | null> {
  return Array.from({ length: n }, (_, i) => ids[i] || null);
}

/** A grid of 1, 4 or 9 live cameras chosen from the inventory; the choice is kept in the address. */
export function LivePage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const [cams, setCams] = useState<Array<string | null>>([]);
  const [layout, setLayout] = useState<Layout>(1);
  const [purpose, setPurpose] = useState('');

  useEffect(() => {
    // Positions are kept: "a,,b" leaves the second tile empty.
    const ids = (params.get('cams') ?? '').split(',').map((s) => s.trim() || null).slice(0, 9);
    const l = readLayout(params.get('layout'), ids.filter(Boolean).length);
    setLayout(l);
    setCams(slots(ids, l));
  }, [params]);

  const update = (next: ReadonlyArray<string | null>, l: Layout = layout) => {
    const s = slots(next, l);
    setCams(s);
    setLayout(l);
    replaceHash('live', { cams: s.map((c) => c ?? '').join(',').replace(/,+$/, ''), layout: l });
  };
  const chosen = cams.filter((c): c is string => c !== null);

  return (
    <div className="video-page">
      <div className="toolbar">
        <h1>{t('liveView.title')}</h1>
        <div className="toolbar-actions">
          <PurposeField value={purpose} onCommit={setPurpose} />
          <div className="segmented" role="group" aria-label={t('liveView.layout')}>
            {LAYOUTS.map((l) => (
              <button key={l} type="button" className={l === layout ? 'active' : undefined} aria-pressed={l === layout} onClick={() => update(cams, l)} data-testid={`layout-${l}`}>
                {t(`liveView.layouts.l${l}`)}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div className={`video-grid grid-${layout}`} data-testid="live-grid">
        {cams.map((id, i) =>
          id ? (
            <LiveTile key={`${i}:${id}`} cameraId={id} purpose={purpose} onRemove={() => update(cams.map((c, j) => (j === i ? null : c)))} />
          ) : (
            <div key={`${i}:empty`} className="video-tile empty">
              <p className="muted">{t('video.pick')}</p>
              <CameraPicker exclude={chosen} onPick={(picked) => update(cams.map((c, j) => (j === i ? picked : c)))} />
            </div>
          ),
        )}
      </div>
    </div>
  );
}
