import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanForm } from './types';

interface Props {
  form: PlanForm;
  busy: boolean;
  canRun: boolean;
  onChange(next: Partial<PlanForm>): void;
  onRun(): void;
}

/** K or budget, radius, field of view, greedy or exact, and Run. */
export function PlanOptionsBar({ form, busy, canRun, onChange, onRun }: Props) {
  const { t } = useTranslation();
  const num = (field: 'count' | 'budget' | 'radiusM' | 'fovDeg' | 'doubleWeight' | 'timeLimitS') => (e: ChangeEvent<HTMLInputElement>) => onChange({ [field]: Number(e.target.value) });
  return (
    <form
      className="plan-options"
      onSubmit={(e) => {
        e.preventDefault();
        onRun();
      }}
    >
      <label>
        {t('plan.options.mode')}
        <select value={form.mode} data-testid="plan-mode" onChange={(e) => onChange({ mode: e.target.value as PlanForm['mode'] })}>
          <option value="count">{t('plan.options.byCount')}</option>
          <option value="budget">{t('plan.options.byBudget')}</option>
        </select>
      </label>
      {form.mode === 'count' ? (
        <label>
          {t('plan.options.count')}
          <input type="number" min={1} step={1} value={form.count} data-testid="plan-count" onChange={num('count')} />
        </label>
      ) : (
        <label>
          {t('plan.options.budget')}
          <input type="number" min={0} step="any" value={form.budget} data-testid="plan-budget" onChange={num('budget')} />
        </label>
      )}
      <label>
        {t('plan.options.radius')}
        <input type="number" min={1} step="any" value={form.radiusM} data-testid="plan-radius" onChange={num('radiusM')} />
      </label>
      <label>
        {t('plan.options.fov')}
        <input type="number" min={1} max={360} step="any" value={form.fovDeg} onChange={num('fovDeg')} />
      </label>
      <label title={t('plan.options.doubleHelp')}>
        {t('plan.options.double')}
        <input type="number" min={0} max={1} step={0.1} value={form.doubleWeight} onChange={num('doubleWeight')} />
      </label>
      <label>
        {t('plan.options.solver')}
        <select value={form.solver} data-testid="plan-solver" onChange={(e) => onChange({ solver: e.target.value as PlanForm['solver'] })}>
          <option value="greedy">{t('plan.options.greedy')}</option>
          <option value="exact">{t('plan.options.exact')}</option>
        </select>
      </label>
      {form.solver === 'exact' && (
        <label>
          {t('plan.options.timeLimit')}
          <input type="number" min={1} max={120} step={1} value={form.timeLimitS} onChange={num('timeLimitS')} />
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || !canRun} data-testid="plan-run">
        {busy ? t('plan.options.running') : t('plan.options.run')}
      </button>
    </form>
  );
}
