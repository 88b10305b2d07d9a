import { useTranslation } from 'react-i18next';
import { CalibrationMap } from './CalibrationMap';
import type { CalibMethod, Editing, SetupDraft } from './setup';
import type { CalibrationReport, CameraCalibration, LatLon } from './types';

interface Props {
  draft: SetupDraft;
  editing: Editing;
  cameraAt: LatLon;
  /** The saved calibration's report (null when none is saved). */
  report: CalibrationReport | null;
  /** Per-point errors of a calibration the server just rejected (null: not judged). */
  rejected: Array<number | null> | null;
  onDraft(d: SetupDraft): void;
  onEditing(e: Editing): void;
}

const CAMERA_FIELDS: Array<{ key: Exclude<keyof CameraCalibration, 'method'>; step: number }> = [
  { key: 'lat', step: 0.000001 },
  { key: 'lon', step: 0.000001 },
  { key: 'heightM', step: 0.1 },
  { key: 'tiltDeg', step: 0.5 },
  { key: 'headingDeg', step: 1 },
  { key: 'hfovDeg', step: 0.5 },
  { key: 'aspect', step: 0.01 },
];

/** Ground calibration: image↔map point pairs (clicked on the picture and on the map, or typed) or the camera's pose. */
export function CalibrationEditor({ draft, editing, cameraAt, report, rejected, onDraft, onEditing }: Props) {
  const { t } = useTranslation();
  const { imagePts, groundPts } = draft;
  const n = Math.max(imagePts.length, groundPts.length);
  const nextGround = groundPts.length < imagePts.length ? groundPts.length : null;
  const placing = editing?.what === 'calibration';
  const errors = rejected ?? report?.pointErrorsM ?? null;
  const setGround = (i: number, c: 0 | 1, v: string) => {
    const num = Number(v);
    if (!Number.isFinite(num)) return;
    onDraft({ ...draft, groundPts: groundPts.map((g, j) => (j === i ? ((c === 0 ? [num, g[1]] : [g[0], num]) as LatLon) : g)) });
  };
  const removePair = (i: number) => onDraft({ ...draft, imagePts: imagePts.filter((_, j) => j !== i), groundPts: groundPts.filter((_, j) => j !== i) });
  const setMethod = (method: CalibMethod) => {
    if (method !== 'points' && placing) onEditing(null);
    onDraft({ ...draft, method });
  };

  return (
    <div className="crowd-calibration" data-testid="calibration-editor" data-method={draft.method}>
      <h3>{t('crowdPage.calib.title')}</h3>
      <div className="crowd-methods" role="radiogroup" aria-label={t('crowdPage.calib.method')}>
        {(['none', 'points', 'camera'] as const).map((m) => (
          <label key={m} className="inline">
            <input type="radio" name="calib-method" value={m} checked={draft.method === m} onChange={() => setMethod(m)} data-testid={`calib-${m}`} />
            {t(`crowdPage.calib.methods.${m}`)}
          </label>
        ))}
      </div>

      {draft.method === 'points' && (
        <>
          <p className="muted">{t('crowdPage.calib.pointsHelp')}</p>
          <button type="button" aria-pressed={placing} onClick={() => onEditing(placing ? null : { what: 'calibration' })} data-testid="calib-place">
            {placing ? t('crowdPage.setup.done') : t('crowdPage.calib.place')}
          </button>
          {/* Above the table, so the map stays put while pairs are added. */}
          <CalibrationMap camera={cameraAt} points={groundPts} next={nextGround} onPick={(lat, lon) => nextGround !== null && onDraft({ ...draft, groundPts: [...groundPts, [lat, lon]] })} />
          <table className="crowd-pairs" data-testid="calib-pairs">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('crowdPage.calib.image')}</th>
                <th>{t('crowdPage.calib.lat')}</th>
                <th>{t('crowdPage.calib.lon')}</th>
                <th>{t('crowdPage.calib.error')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: n }, (_, i) => {
                const im = imagePts[i];
                const g = groundPts[i];
                const err = errors?.[i];
                return (
                  <tr key={i} data-testid="calib-pair" data-error={err ?? ''}>
                    <td>{i + 1}</td>
                    <td className="mono">{im ? `${im[0].toFixed(3)}, ${im[1].toFixed(3)}` : '—'}</td>
                    <td>{g ? <input type="number" step="0.000001" className="coord" value={g[0]} onChange={(e) => setGround(i, 0, e.target.value)} aria-label={t('crowdPage.calib.latN', { n: i + 1 })} /> : '—'}</td>
                    <td>{g ? <input type="number" step="0.000001" className="coord" value={g[1]} onChange={(e) => setGround(i, 1, e.target.value)} aria-label={t('crowdPage.calib.lonN', { n: i + 1 })} /> : '—'}</td>
                    <td className={rejected ? 'error' : undefined}>{err !== undefined && err !== null ? t('crowdPage.calib.metres', { m: err.toFixed(2) }) : '—'}</td>
                    <td>
                      <button type="button" className="link" onClick={() => removePair(i)}>
                        {t('crowdPage.setup.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}

      {draft.method === 'camera' && (
        <div className="crowd-camera-model">
          <p className="muted">{t('crowdPage.calib.cameraHelp')}</p>
          {CAMERA_FIELDS.map(({ key, step }) => (
            <label key={key}>
              {t(`crowdPage.calib.fields.${key}`)}
              <input
                type="number"
                step={step}
                value={draft.camera[key] ?? ''}
                onChange={(e) => Number.isFinite(Number(e.target.value)) && onDraft({ ...draft, camera: { ...draft.camera, [key]: Number(e.target.value) } })}
                data-testid={`calib-${key}`}
              />
            </label>
          ))}
        </div>
      )}

      {report && draft.method !== 'none' && (
        <p className="crowd-calib-report" data-testid="calib-report" data-rms={report.rmsErrorM}>
          {t('crowdPage.calib.report', { rms: report.rmsErrorM.toFixed(2), max: report.maxErrorM.toFixed(2) })}
        </p>
      )}
    </div>
  );
}
