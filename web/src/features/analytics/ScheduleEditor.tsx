import { useTranslation } from 'react-i18next';
import type { ScheduleWindow } from './types';

const DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** Weekly windows in Hong Kong time when the rule is active (none = always). */
export function ScheduleEditor({ value, error, onChange }: { value: ScheduleWindow[]; error?: string; onChange(next: ScheduleWindow[]): void }) {
  const { t } = useTranslation();
  const set = (i: number, w: ScheduleWindow) => onChange(value.map((x, j) => (j === i ? w : x)));
  const toggleDay = (i: number, w: ScheduleWindow, d: number) => set(i, { ...w, days: w.days.includes(d) ? w.days.filter((x) => x !== d) : [...w.days, d].sort() });
  return (
    <fieldset className="schedule">
      <legend>{t('analytics.rule.schedule')}</legend>
      {value.length === 0 && <p className="muted small">{t('analytics.rule.always')}</p>}
      {value.map((w, i) => (
        <div key={i} className="schedule-row" data-testid="schedule-row">
          <span className="days" role="group" aria-label={t('analytics.rule.days')}>
            {DAYS.map((d) => (
              <label key={d} className="check">
                <input type="checkbox" checked={w.days.includes(d)} onChange={() => toggleDay(i, w, d)} />
                {t(`analytics.days.${d}`)}
              </label>
            ))}
          </span>
          <label>
            {t('analytics.rule.start')}
            <input type="time" value={w.start} onChange={(e) => set(i, { ...w, start: e.target.value })} />
          </label>
          <label>
            {t('analytics.rule.end')}
            <input value={w.end} onChange={(e) => set(i, { ...w, end: e.target.value })} pattern="\d{2}:\d{2}" size={5} placeholder="HH:MM" />
          </label>
          <button type="button" className="small" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            {t('analytics.rule.removeWindow')}
          </button>
        </div>
      ))}
      <button type="button" className="small" onClick={() => onChange([...value, { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }])} data-testid="schedule-add">
        {t('analytics.rule.addWindow')}
      </button>
      {error && <p className="error">{error}</p>}
    </fieldset>
  );
}
