import { useTranslation } from 'react-i18next';
import type { Organisation } from '../../api/types';
import type { CameraFilterValues } from './filters';

interface Props {
  value: CameraFilterValues;
  organisations: Organisation[];
  onChange(next: CameraFilterValues): void;
}

export function CameraFilters({ value, organisations, onChange }: Props) {
  const { t } = useTranslation();
  const set = <K extends keyof CameraFilterValues>(k: K, v: CameraFilterValues[K]) => onChange({ ...value, [k]: v });
  return (
    <div className="filters" role="search" data-testid="camera-filters">
      <input
        type="search"
        placeholder={t('cameras.filters.q')}
        aria-label={t('cameras.filters.q')}
        value={value.q}
        onChange={(e) => set('q', e.target.value)}
        data-testid="filter-q"
      />
      <select
        aria-label={t('cameras.filters.owner')}
        value={value.owner}
        onChange={(e) => set('owner', e.target.value)}
        data-testid="filter-owner"
      >
        <option value="">{t('cameras.filters.anyOwner')}</option>
        {organisations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <input
        placeholder={t('cameras.filters.district')}
        aria-label={t('cameras.filters.district')}
        value={value.district}
        onChange={(e) => set('district', e.target.value)}
        data-testid="filter-district"
      />
      <input
        placeholder={t('cameras.filters.tag')}
        aria-label={t('cameras.filters.tag')}
        value={value.tag}
        onChange={(e) => set('tag', e.target.value)}
        data-testid="filter-tag"
      />
      <label className="check">
        <input type="checkbox" checked={value.onlyMap} onChange={(e) => set('onlyMap', e.target.checked)} data-testid="filter-only-map" />
        {t('cameras.filters.onlyMap')}
      </label>
    </div>
  );
}
