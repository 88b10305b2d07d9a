import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { analyticsApi } from './analyticsApi';
import { toDefinition, toPatch, type RuleDraft } from './draft';
import { Field } from './Field';
import { fieldErrors } from './formErrors';
import { PointsField } from './PointsField';
import { RuleParams } from './RuleParams';
import { ScheduleEditor } from './ScheduleEditor';
import { RULE_KINDS, SEVERITIES, type Rule } from './types';

interface Props {
  cameraId: string;
  draft: RuleDraft;
  onChange(next: RuleDraft): void;
  onSaved(rule: Rule): void;
  onCancel(): void;
}

/** Create or change one rule. The shape is drawn on the picture (or typed); the API's messages appear under the field they name. */
export function RuleForm({ cameraId, draft, onChange, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrors(error);
  const set = (patch: Partial<RuleDraft>) => onChange({ ...draft, ...patch });
  const shapeKey = draft.kind === 'line' ? 'line' : 'polygon';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(draft.id ? await analyticsApi.updateRule(draft.id, toPatch(draft)) : await analyticsApi.createRule(cameraId, toDefinition(draft)));
    } catch (err) {
      console.error('Saving the rule failed', err);
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  // Messages for fields this form has no control for (or none named) go at the top.
  const shown = new Set(['name', 'kind', 'severity', 'classes', 'cooldownSec', 'schedule', 'polygon', 'line', 'mode', 'threshold', 'inSide', 'hysteresis', 'dwellSec', 'directionDeg', 'toleranceDeg', 'minMove', 'minSpeed', 'unit', 'stillSec', 'maxMove']);
  const general = [...errors].filter(([k]) => !shown.has(k)).map(([k, m]) => (k ? `${k}: ${m}` : m));

  return (
    <form className="card rule-form" onSubmit={(e) => void submit(e)} data-testid="rule-form" noValidate>
      <h2>{draft.id ? t('analytics.rule.edit') : t('analytics.rule.new')}</h2>
      {error !== null && (
        <div className="notice bad" role="alert" data-testid="rule-error">
          {errors.size ? t('analytics.rule.fixFields') : errorText(t, error)}
          {general.map((m) => (
            <div key={m}>{m}</div>
          ))}
        </div>
      )}
      <div className="form-grid">
        <Field id="rule-kind" label={t('analytics.rule.kind')} error={errors.get('kind')}>
          <select id="rule-kind" value={draft.kind} disabled={draft.id !== null} onChange={(e) => set({ kind: e.target.value as RuleDraft['kind'], points: [] })} data-testid="rule-kind">
            {RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`analytics.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rule-name" label={t('analytics.rule.name')} error={errors.get('name')}>
          <input id="rule-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} aria-invalid={errors.has('name')} data-testid="rule-name" />
        </Field>
        <Field id="rule-severity" label={t('analytics.rule.severity')} error={errors.get('severity')}>
          <select id="rule-severity" value={draft.severity} onChange={(e) => set({ severity: e.target.value as RuleDraft['severity'] })} data-testid="rule-severity">
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`alerts.severities.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rule-classes" label={t('analytics.rule.classes')} error={errors.get('classes')} help={t('analytics.help.classes')}>
          <input id="rule-classes" value={draft.classes} onChange={(e) => set({ classes: e.target.value })} placeholder="person, car" />
        </Field>
        <Field id="rule-cooldownSec" label={t('analytics.rule.cooldownSec')} error={errors.get('cooldownSec')}>
          <input id="rule-cooldownSec" type="number" min={0} value={draft.cooldownSec} onChange={(e) => set({ cooldownSec: e.target.value })} />
        </Field>
        <RuleParams draft={draft} errors={errors} onChange={set} />
      </div>
      <div className="checks">
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          {t('analytics.rule.enabled')}
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.alert} onChange={(e) => set({ alert: e.target.checked })} data-testid="rule-alert" />
          {t('analytics.rule.alert')}
        </label>
      </div>
      <p className="muted small">{draft.kind === 'line' ? t('analytics.draw.lineHint') : t('analytics.draw.polygonHint')}</p>
      <PointsField id="rule-points" points={draft.points} error={errors.get(shapeKey)} onChange={(points) => set({ points })} />
      <ScheduleEditor value={draft.schedule} error={errors.get('schedule')} onChange={(schedule) => set({ schedule })} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving} data-testid="rule-save">
          {saving ? t('analytics.saving') : t('analytics.rule.save')}
        </button>
        <button type="button" onClick={() => set({ points: draft.points.slice(0, -1) })} disabled={!draft.points.length}>
          {t('analytics.draw.undo')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
