import { useTranslation } from 'react-i18next';
import { hrefFor } from '../../app/router';
import type { Rule } from './types';

interface Props {
  rules: Rule[];
  editingId: string | null;
  canManage: boolean;
  busyId: string | null;
  onEdit(rule: Rule): void;
  onDelete(rule: Rule): void;
  onToggle(rule: Rule): void;
}

function summary(r: Rule, t: (k: string, o?: Record<string, unknown>) => string): string {
  switch (r.kind) {
    case 'zone':
      return r.mode === 'count' ? `${t('analytics.modes.count')} ≥ ${r.threshold ?? '?'}` : t(`analytics.modes.${r.mode}`);
    case 'line':
      return t('analytics.sides.inIs', { side: t(`analytics.sides.${r.inSide}`) });
    case 'loitering':
      return `${r.dwellSec} s`;
    case 'wrong_way':
      return `${r.directionDeg}° ± ${r.toleranceDeg}°`;
    case 'running':
      return `≥ ${r.minSpeed} ${r.unit}`;
    case 'left_behind':
      return `${r.stillSec} s`;
  }
}

/** The camera's rules with what each watches; edit, switch on/off, delete (rules.manage). */
export function RuleList({ rules, editingId, canManage, busyId, onEdit, onDelete, onToggle }: Props) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <table className="data compact" data-testid="rule-table">
        <thead>
          <tr>
            <th>{t('analytics.rule.name')}</th>
            <th>{t('analytics.rule.kind')}</th>
            <th>{t('analytics.rule.params')}</th>
            <th>{t('analytics.rule.severity')}</th>
            <th>{t('analytics.rule.alert')}</th>
            <th>{t('analytics.rule.schedule')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} className={r.id === editingId ? 'selected' : undefined} data-testid="rule-row" data-id={r.id}>
              <td>
                {r.name}
                {!r.enabled && <span className="muted"> ({t('analytics.rule.off')})</span>}
              </td>
              <td>{t(`analytics.kinds.${r.kind}`)}</td>
              <td>{summary(r, t)}</td>
              <td>
                <span className={`sev sev-${r.severity}`}>{t(`alerts.severities.${r.severity}`)}</span>
              </td>
              <td>{r.alert ? t('common.yes') : t('common.no')}</td>
              <td>{r.schedule.length ? t('analytics.rule.windows', { count: r.schedule.length }) : t('analytics.rule.always')}</td>
              <td className="nowrap">
                <a href={hrefFor('alerts', { tab: 'events', camera: r.cameraId })}>{t('analytics.rule.events')}</a>
                {canManage && (
                  <>
                    {' '}
                    <button type="button" className="small" onClick={() => onEdit(r)} data-testid="rule-edit">
                      {t('analytics.rule.editShort')}
                    </button>{' '}
                    <button type="button" className="small" disabled={busyId === r.id} onClick={() => onToggle(r)}>
                      {r.enabled ? t('analytics.rule.switchOff') : t('analytics.rule.switchOn')}
                    </button>{' '}
                    <button type="button" className="small" disabled={busyId === r.id} onClick={() => onDelete(r)} data-testid="rule-delete">
                      {t('analytics.rule.delete')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
          {rules.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                {t('analytics.rule.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
