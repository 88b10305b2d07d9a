import { useTranslation } from 'react-i18next';
import type { RuleDraft } from './draft';
import { Field } from './Field';

type NumKey = 'threshold' | 'hysteresis' | 'dwellSec' | 'directionDeg' | 'toleranceDeg' | 'minMove' | 'minSpeed' | 'stillSec' | 'maxMove';

interface Props {
  draft: RuleDraft;
  errors: Map<string, string>;
  onChange(patch: Partial<RuleDraft>): void;
}

/** The fields only one kind of rule has: zone mode and count, the line's in-side, dwell, direction, speed, stillness. */
export function RuleParams({ draft, errors, onChange }: Props) {
  const { t } = useTranslation();
  const num = (k: NumKey, step = 'any') => (
    <Field id={`rule-${k}`} label={t(`analytics.rule.${k}`)} error={errors.get(k)} help={t(`analytics.help.${k}`)}>
      <input id={`rule-${k}`} type="number" step={step} value={draft[k]} onChange={(e) => onChange({ [k]: e.target.value })} aria-invalid={errors.has(k)} />
    </Field>
  );
  switch (draft.kind) {
    case 'zone':
      return (
        <>
          <Field id="rule-mode" label={t('analytics.rule.mode')} error={errors.get('mode')}>
            <select id="rule-mode" value={draft.mode} onChange={(e) => onChange({ mode: e.target.value as RuleDraft['mode'] })}>
              {(['presence', 'intrusion', 'count'] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`analytics.modes.${m}`)}
                </option>
              ))}
            </select>
          </Field>
          {draft.mode === 'count' && num('threshold', '1')}
        </>
      );
    case 'line':
      return (
        <>
          <Field id="rule-inSide" label={t('analytics.rule.inSide')} error={errors.get('inSide')} help={t('analytics.help.inSide')}>
            <select id="rule-inSide" value={draft.inSide} onChange={(e) => onChange({ inSide: e.target.value as RuleDraft['inSide'] })} data-testid="rule-inside">
              <option value="left">{t('analytics.sides.left')}</option>
              <option value="right">{t('analytics.sides.right')}</option>
            </select>
          </Field>
          {num('hysteresis')}
        </>
      );
    case 'loitering':
      return num('dwellSec');
    case 'wrong_way':
      return (
        <>
          {num('directionDeg')}
          {num('toleranceDeg')}
          {num('minMove')}
        </>
      );
    case 'running':
      return (
        <>
          {num('minSpeed')}
          <Field id="rule-unit" label={t('analytics.rule.unit')} error={errors.get('unit')}>
            <select id="rule-unit" value={draft.unit} onChange={(e) => onChange({ unit: e.target.value as RuleDraft['unit'] })}>
              <option value="image/s">{t('analytics.units.image')}</option>
              <option value="m/s">{t('analytics.units.metres')}</option>
            </select>
          </Field>
        </>
      );
    case 'left_behind':
      return (
        <>
          {num('stillSec')}
          {num('maxMove')}
        </>
      );
  }
}
