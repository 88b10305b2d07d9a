import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { DrawingCanvas } from '../analytics/DrawingCanvas';
import type { OverlayShape } from '../analytics/shapes';
import { useCamera } from '../live/cameras';
import { PurposeField } from '../live/PurposeField';
import { CalibrationEditor } from './CalibrationEditor';
import { CountCalibration } from './CountCalibration';
import { crowdApi } from './crowdApi';
import { SettingsFields } from './SettingsFields';
import { detailLines, draftOf, degOfDir, inputOf, rejectedPointErrors, sameCalibration, setupShapes, type Editing, type SetupDraft } from './setup';
import { ShapesEditor } from './ShapesEditor';
import type { CrowdSettings, Pt } from './types';
import { usePicture } from './usePicture';

/** One camera's crowd setup: settings, zones and lines on its picture, ground calibration, count calibration. */
export function CameraSetup({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can('crowd.manage');
  const { camera } = useCamera(cameraId);
  const [settings, setSettings] = useState<CrowdSettings | null>(null);
  const [draft, setDraft] = useState<SetupDraft | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [purpose, setPurpose] = useState('');
  const picture = usePicture(cameraId, purpose);
  const at = camera ? { lat: camera.location.lat, lon: camera.location.lon } : null;

  useEffect(() => {
    const ac = new AbortController();
    crowdApi.settings(cameraId, ac.signal).then(setSettings, (err: unknown) => {
      if (isAbort(err)) return;
      console.error(`Crowd settings of ${cameraId} could not be read`, err);
      setLoadError(err);
    });
    return () => ac.abort();
  }, [cameraId]);

  useEffect(() => {
    if (settings && at && !draft) setDraft(draftOf(settings, at));
  }, [settings, at?.lat, at?.lon, draft]);

  // The pose calibration needs the picture's shape: taken from the picture unless one was saved.
  useEffect(() => {
    if (draft && picture.aspect !== null && draft.camera.aspect === undefined) setDraft({ ...draft, camera: { ...draft.camera, aspect: picture.aspect } });
  }, [draft, picture.aspect]);

  if (loadError !== null) return <div className="notice bad">{errorText(t, loadError)}</div>;
  if (!settings || !draft || !at) return <p className="muted">{t('common.loading')}</p>;

  const change = (d: SetupDraft) => {
    setDraft(d);
    setSaved(false);
  };
  const zone = editing?.what === 'zone' ? draft.input.zones[editing.index] : undefined;
  const line = editing?.what === 'line' ? draft.input.lines[editing.index] : undefined;
  const activeShape: { shape: OverlayShape; maxPoints: number } | null = zone
    ? { shape: { key: 'edit', role: 'rule', kind: 'zone', label: zone.name, points: zone.polygon, closed: true, directionDeg: zone.oneWayDirection ? degOfDir(zone.oneWayDirection) : undefined, dimmed: false }, maxPoints: 64 }
    : line
      ? { shape: { key: 'edit', role: 'rule', kind: 'line', label: line.name, points: [line.a, line.b], closed: false, dimmed: false }, maxPoints: 2 }
      : editing?.what === 'calibration'
        ? { shape: { key: 'edit', role: 'mask', kind: 'calib', label: t('crowdPage.calib.title'), points: draft.imagePts, closed: false, dimmed: false }, maxPoints: 64 }
        : null;
  const onPoints = (points: Pt[]) => {
    if (editing?.what === 'zone') change({ ...draft, input: { ...draft.input, zones: draft.input.zones.map((z, i) => (i === editing.index ? { ...z, polygon: points } : z)) } });
    else if (editing?.what === 'line') {
      // A line keeps two points: the first click of a new line leaves it half drawn until the second.
      const [a, b] = points;
      if (a && b) change({ ...draft, input: { ...draft.input, lines: draft.input.lines.map((l, i) => (i === editing.index ? { ...l, a, b } : l)) } });
      else if (a) change({ ...draft, input: { ...draft.input, lines: draft.input.lines.map((l, i) => (i === editing.index ? { ...l, a, b: a } : l)) } });
    } else if (editing?.what === 'calibration') {
      // Removing an image point removes its pair.
      let groundPts = draft.groundPts;
      if (points.length < draft.imagePts.length) {
        const removed = draft.imagePts.findIndex((p, i) => points[i] !== p);
        groundPts = groundPts.filter((_, i) => i !== removed);
      }
      change({ ...draft, imagePts: points, groundPts });
    }
  };
  const save = async () => {
    const r = inputOf(draft);
    if (!r.body) {
      setSaveError(new Error(t('crowdPage.calib.unpaired')));
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const next = await crowdApi.putSettings(cameraId, r.body);
      setSettings(next);
      setDraft(draftOf(next, at));
      setEditing(null);
      setSaved(true);
    } catch (err) {
      console.error(`Saving crowd settings of ${cameraId} failed`, err);
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };
  const rejected = rejectedPointErrors(saveError);
  const details = detailLines(saveError);

  return (
    <div className="crowd-setup" data-testid="crowd-setup" data-camera={cameraId}>
      <div className="card crowd-purpose">
        <PurposeField value={purpose} onCommit={setPurpose} />
        <span className="muted">{t('crowdPage.setup.purposeHelp')}</span>
        {picture.error !== null && <span className="error" role="alert">{errorText(t, picture.error)}</span>}
      </div>
      <div className="crowd-setup-main">
        <div className="card drawing-card">
          <DrawingCanvas key={picture.url ?? 'none'} pictureUrl={picture.url ?? 'data:,'} shapes={setupShapes(draft, editing, t('crowdPage.calib.title'))} active={canManage ? activeShape : null} onChange={onPoints} />
          <p className="muted small">{activeShape ? t('analytics.draw.hint') : t('crowdPage.setup.idle')}</p>
        </div>
        <div className="card crowd-setup-form">
          <SettingsFields input={draft.input} disabled={!canManage} onChange={(input) => change({ ...draft, input })} />
          {/* Read-only without crowd.manage. */}
          <fieldset className="crowd-plain" disabled={!canManage}>
            <ShapesEditor draft={draft} editing={editing} onDraft={change} onEditing={setEditing} />
            <CalibrationEditor draft={draft} editing={editing} cameraAt={[at.lat, at.lon]} report={sameCalibration(draft, settings.calibration) ? settings.calibrationReport : null} rejected={rejected} onDraft={change} onEditing={setEditing} />
          </fieldset>
          {saveError !== null && (
            <div className="notice bad" role="alert" data-testid="setup-error">
              <span>{errorText(t, saveError)}</span>
              {details.length > 0 && (
                <ul className="crowd-error-details">
                  {details.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {saved && <p className="ok-text" role="status" data-testid="setup-saved">{t('crowdPage.setup.saved')}</p>}
          {canManage && (
            <button type="button" className="primary" onClick={() => void save()} disabled={saving} data-testid="setup-save">
              {t('crowdPage.setup.save')}
            </button>
          )}
        </div>
      </div>
      {canManage && <CountCalibration cameraId={cameraId} purpose={purpose} current={settings.countCalibration} onFitted={(f) => setSettings({ ...settings, countCalibration: f })} />}
    </div>
  );
}
