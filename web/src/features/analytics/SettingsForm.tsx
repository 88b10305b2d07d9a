import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { analyticsApi } from './analyticsApi';
import { Field } from './Field';
import { fieldErrors } from './formErrors';
import type { AnalyticsView, Pt } from './types';

/** The settings as the form holds them: numbers and lists as typed. */
export interface SettingsDraft {
  enabled: boolean;
  anpr: boolean;
  fps: string;
  classes: string;
  masks: Pt[][];
}

export function settingsDraftOf(v: AnalyticsView): SettingsDraft {
  return { enabled: v.settings.enabled, anpr: v.settings.anpr ?? false, fps: v.settings.fps === undefined ? '' : String(v.settings.fps), classes: (v.settings.classes ?? []).join(', '), masks: v.settings.masks as Pt[][] };
}

interface Props {
  cameraId: string;
  view: AnalyticsView;
  draft: SettingsDraft;
  canManage: boolean;
  editingMask: number | null;
  onChange(next: SettingsDraft): void;
  onEditMask(index: number | null): void;
  onSaved(view: AnalyticsView): void;
}

/** On/off, fps, classes and motion masks of one camera. The calibration is kept as it is (shown with its error). */
export function SettingsForm({ cameraId, view, draft, canManage, editingMask, onChange, onEditMask, onSaved }: Props) {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(error);
  const set = (patch: Partial<SettingsDraft>) => {
    setSaved(false);
    onChange({ ...draft, ...patch });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const classes = draft.classes.split(',').map((s) => s.trim()).filter(Boolean);
      const fps = draft.fps.trim() === '' ? undefined : Number(draft.fps);
      onSaved(await analyticsApi.putSettings(cameraId, { enabled: draft.enabled, anpr: draft.anpr, fps, classes: classes.length ? classes : undefined, masks: draft.masks, calibration: view.settings.calibration }));
      setSaved(true);
      onEditMask(null);
    } catch (err) {
      console.error('Saving analytics settings failed', err);
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} data-testid="settings-form" noValidate>
      <h2>{t('analytics.settings.title')}</h2>
      {error !== null && (
        <div className="notice bad" role="alert" data-testid="settings-error">
          {errorText(t, error)}
        </div>
      )}
      {saved && <div className="notice ok" role="status">{t('analytics.settings.saved')}</div>}
      <fieldset disabled={!canManage}>
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="settings-enabled" />
          {t('analytics.settings.enabled')}
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.anpr} onChange={(e) => set({ anpr: e.target.checked })} data-testid="settings-anpr" />
          {t('analytics.settings.anpr')}
        </label>
        <Field id="settings-fps" label={t('analytics.settings.fps')} error={errors.get('fps')} help={t('analytics.settings.fpsHelp')}>
          <input id="settings-fps" type="number" min={0} max={30} step="any" value={draft.fps} onChange={(e) => set({ fps: e.target.value })} />
        </Field>
        <Field id="settings-classes" label={t('analytics.settings.classes')} error={errors.get('classes')} help={t('analytics.settings.classesHelp')}>
          <input id="settings-classes" value={draft.classes} onChange={(e) => set({ classes: e.target.value })} placeholder="person, car, bicycle" />
        </Field>
        <div className="field-row">
          <span>{t('analytics.settings.masks')}</span>
          <ul className="plain masks">
            {draft.masks.map((m, i) => (
              <li key={i} className={i === editingMask ? 'selected' : undefined}>
                {t('analytics.settings.mask', { n: i + 1 })} <span className="muted">({t('analytics.settings.points', { count: m.length })})</span>{' '}
                <button type="button" className="small" onClick={() => onEditMask(i === editingMask ? null : i)} aria-pressed={i === editingMask}>
                  {i === editingMask ? t('analytics.settings.doneDrawing') : t('analytics.settings.redraw')}
                </button>{' '}
                <button type="button" className="small" onClick={() => { set({ masks: draft.masks.filter((_, j) => j !== i) }); onEditMask(null); }}>
                  {t('analytics.rule.delete')}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="small" onClick={() => { set({ masks: [...draft.masks, []] }); onEditMask(draft.masks.length); }} data-testid="mask-add">
            {t('analytics.settings.addMask')}
          </button>
          {errors.get('masks') && <small className="error" role="alert">{errors.get('masks')}</small>}
        </div>
        {view.calibration && (
          <p className="muted small" data-testid="calibration">
            {t('analytics.settings.calibration', { points: view.calibration.points, rms: view.calibration.rmsErrorM.toFixed(2), max: view.calibration.maxErrorM.toFixed(2) })}
          </p>
        )}
        {errors.get('calibration') && <small className="error">{errors.get('calibration')}</small>}
        {canManage && (
          <button type="submit" className="primary" disabled={saving} data-testid="settings-save">
            {saving ? t('analytics.saving') : t('analytics.settings.save')}
          </button>
        )}
      </fieldset>
    </form>
  );
}
