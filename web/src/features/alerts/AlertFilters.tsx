import { useTranslation } from 'react-i18next';
import { ALERT_STATES, SEVERITIES, type AlertFilterValues } from './types';

export function AlertFilters({ value, onChange }: { value: AlertFilterValues; onChange(next: AlertFilterValues): void }) {
  const { t } = useTranslation();
  const set = <K extends keyof AlertFilterValues>(k: K, v: AlertFilterValues[K]) => onChange({ ...value, [k]: v });
  return (
    <div className="filters card alert-filters" role="search" data-testid="alert-filters">
      <label>
        {t('alerts.filters.state')}
        <select value={value.state} onChange={(e) => set('state', e.target.value as AlertFilterValues['state'])} data-testid="alert-filter-state">
          <option value="active">{t('alerts.filters.active')}</option>
          <option value="">{t('alerts.filters.anyState')}</option>
          {ALERT_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`alerts.states.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.filters.severity')}
        <select value={value.severity} onChange={(e) => set('severity', e.target.value as AlertFilterValues['severity'])} data-testid="alert-filter-severity">
          <option value="">{t('alerts.filters.anySeverity')}</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {t('alerts.filters.atLeast', { severity: t(`alerts.severities.${s}`) })}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.filters.camera')}
        <input value={value.camera} onChange={(e) => set('camera', e.target.value)} placeholder={t('alerts.filters.cameraId')} />
      </label>
      <label>
        {t('alerts.filters.from')}
        <input type="datetime-local" value={value.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label>
        {t('alerts.filters.to')}
        <input type="datetime-local" value={value.to} onChange={(e) => set('to', e.target.value)} />
      </label>
    </div>
  );
}
