import { useTranslation } from 'react-i18next';
import type { EventFilterValues } from './types';

export function EventFilters({ value, onChange }: { value: EventFilterValues; onChange(next: EventFilterValues): void }) {
  const { t } = useTranslation();
  const set = <K extends keyof EventFilterValues>(k: K, v: EventFilterValues[K]) => onChange({ ...value, [k]: v });
  const text = (k: 'camera' | 'type' | 'label' | 'jobId', placeholder: string) => (
    <label>
      {t(`events.filters.${k}`)}
      <input value={value[k]} onChange={(e) => set(k, e.target.value)} placeholder={placeholder} data-testid={`event-filter-${k}`} />
    </label>
  );
  return (
    <div className="filters card alert-filters" role="search" data-testid="event-filters">
      {text('camera', t('alerts.filters.cameraId'))}
      <label>
        {t('events.filters.kind')}
        <select value={value.kind} onChange={(e) => set('kind', e.target.value as EventFilterValues['kind'])}>
          <option value="">{t('events.filters.anyKind')}</option>
          <option value="track">{t('events.kinds.track')}</option>
          <option value="rule">{t('events.kinds.rule')}</option>
        </select>
      </label>
      {text('type', 'zone_enter, line_cross, …')}
      {text('label', 'person, car, …')}
      {text('jobId', '')}
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
