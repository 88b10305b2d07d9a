import { useTranslation } from 'react-i18next';
import type { Organisation } from '../../api/types';
import { HEALTH_STATES, type HealthFilterValues } from './types';

interface Props {
  value: HealthFilterValues;
  organisations: Organisation[];
  onChange(next: HealthFilterValues): void;
}

export function HealthFilters({ value, organisations, onChange }: Props) {
  const { t } = useTranslation();
  const set = <K extends keyof HealthFilterValues>(k: K, v: HealthFilterValues[K]) => onChange({ ...value, [k]: v });
  return (
    <div className="filters health-filters" role="search" data-testid="health-filters">
      <input type="search" placeholder={t('health.filters.q')} aria-label={t('health.filters.q')} value={value.q} onChange={(e) => set('q', e.target.value)} />
      <select aria-label={t('health.filters.state')} value={value.state} onChange={(e) => set('state', e.target.value)} data-testid="health-filter-state">
        <option value="">{t('health.filters.anyState')}</option>
        {HEALTH_STATES.map((s) => (
          <option key={s} value={s}>
            {t(`health.states.${s}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('health.filters.tampered')} value={value.tampered} onChange={(e) => set('tampered', e.target.value as HealthFilterValues['tampered'])} data-testid="health-filter-tampered">
        <option value="">{t('health.filters.anyTamper')}</option>
        <option value="true">{t('health.filters.tamperedOnly')}</option>
        <option value="false">{t('health.filters.notTampered')}</option>
      </select>
      <select aria-label={t('health.filters.owner')} value={value.owner} onChange={(e) => set('owner', e.target.value)}>
        <option value="">{t('health.filters.anyOwner')}</option>
        {organisations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <input placeholder={t('health.filters.district')} aria-label={t('health.filters.district')} value={value.district} onChange={(e) => set('district', e.target.value)} />
    </div>
  );
}
