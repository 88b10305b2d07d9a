import { useTranslation } from 'react-i18next';
import { HEALTH_STATES, type HealthFilterValues, type HealthSummary } from './types';

interface Props {
  summary: HealthSummary | null;
  filters: HealthFilterValues;
  onPick(next: Pick<HealthFilterValues, 'state' | 'tampered'>): void;
}

/** One tile per state plus "tampered" and "all"; a click filters the table. */
export function HealthTiles({ summary, filters, onPick }: Props) {
  const { t } = useTranslation();
  const total = summary?.total;
  const tile = (key: string, n: number | undefined, label: string, active: boolean, pick: Pick<HealthFilterValues, 'state' | 'tampered'>) => (
    <button type="button" key={key} className={`health-tile tile-${key}${active ? ' active' : ''}`} onClick={() => onPick(pick)} aria-pressed={active} data-testid={`health-tile-${key}`}>
      <span className="n">{n ?? '—'}</span>
      <span className="label">{label}</span>
    </button>
  );
  return (
    <section className="health-tiles" aria-label={t('health.summary')}>
      {tile('all', total?.total, t('health.tiles.all'), !filters.state && !filters.tampered, { state: '', tampered: '' })}
      {HEALTH_STATES.map((s) => tile(s, total ? (total.states[s] ?? 0) : undefined, t(`health.states.${s}`), filters.state === s, { state: s, tampered: '' }))}
      {tile('tampered', total?.tampered, t('health.tiles.tampered'), filters.tampered === 'true', { state: '', tampered: 'true' })}
    </section>
  );
}
