import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseHktLocal } from '../../time/format';
import type { SearchParams } from './platesApi';
import { SEARCH_MODES, type SearchMode } from './types';

/** Plate pattern, mode, time range (HKT) and cameras. */
export function SearchForm({ busy, onSearch }: { busy: boolean; onSearch(p: SearchParams): void }) {
  const { t } = useTranslation();
  const [plate, setPlate] = useState('');
  const [mode, setMode] = useState<SearchMode | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cameras, setCameras] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch({ plate, mode, fromMs: from ? parseHktLocal(from) : null, toMs: to ? parseHktLocal(to) : null, cameras });
  };
  return (
    <form className="plates-search-form filters" onSubmit={submit} data-testid="plate-search-form">
      <label>
        {t('plates.search.plate')}
        <input value={plate} onChange={(e) => setPlate(e.target.value)} placeholder="AB?12*" required maxLength={40} data-testid="search-plate" />
      </label>
      <label>
        {t('plates.search.mode')}
        <select value={mode} onChange={(e) => setMode(e.target.value as SearchMode | '')} data-testid="search-mode">
          <option value="">{t('plates.search.modeAuto')}</option>
          {SEARCH_MODES.map((m) => (
            <option key={m} value={m}>
              {t(`plates.search.modes.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('plates.search.from')}
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="search-from" />
      </label>
      <label>
        {t('plates.search.to')}
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="search-to" />
      </label>
      <label>
        {t('plates.search.cameras')}
        <input value={cameras} onChange={(e) => setCameras(e.target.value)} placeholder="CAM-1,CAM-2" data-testid="search-cameras" />
      </label>
      <button type="submit" disabled={busy} data-testid="search-run">
        {busy ? t('plates.search.running') : t('plates.search.run')}
      </button>
    </form>
  );
}
