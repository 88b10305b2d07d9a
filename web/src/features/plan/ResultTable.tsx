import { useTranslation } from 'react-i18next';
import type { PlanResult } from './types';

interface Props {
  result: PlanResult;
  forbidden: string[];
  busy: boolean;
  onPin(id: string, pinned: boolean): void;
  onForbid(id: string, forbidden: boolean): void;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

/** The chosen sites with their marginal gains, what-if edits (pin, forbid), and coverage per layer and district. */
export function ResultTable({ result: r, forbidden, busy, onPin, onForbid }: Props) {
  const { t } = useTranslation();
  const coverage = (rows: PlanResult['layers'], title: string, testId: string) =>
    rows.length > 0 && (
      <table className="data compact plan-coverage" data-testid={testId}>
        <thead>
          <tr>
            <th>{title}</th>
            <th>{t('plan.result.total')}</th>
            <th>{t('plan.result.before')}</th>
            <th>{t('plan.result.after')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.name}>
              <td>{x.name}</td>
              <td>{fmt(x.total)}</td>
              <td>{`${fmt(x.before)} (${pct(x.before, x.total)})`}</td>
              <td>{`${fmt(x.after)} (${pct(x.after, x.total)})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <div className="plan-result">
      <p data-testid="plan-summary">
        {t('plan.result.summary', {
          covered: fmt(r.covered_weight),
          total: fmt(r.total_weight),
          pct: pct(r.covered_weight, r.total_weight),
          before: pct(r.existing_weight, r.total_weight),
          n: r.sites.length,
          cost: fmt(r.cost_total),
        })}{' '}
        <span className="plan-solver" data-testid="plan-solver-used">
          {t('plan.result.solver', { solver: t(`plan.options.${r.solver}`), status: r.status, gap: r.gap === null ? '—' : `${(r.gap * 100).toFixed(2)} %` })}
        </span>
      </p>
      <table className="data compact" data-testid="plan-sites">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('plan.result.site')}</th>
            <th>{t('plan.result.bearing')}</th>
            <th>{t('plan.result.cost')}</th>
            <th>{t('plan.result.gain')}</th>
            <th className="no-print">{t('plan.result.whatIf')}</th>
          </tr>
        </thead>
        <tbody>
          {r.sites.map((s, k) => (
            <tr key={s.id} data-id={s.id} data-testid="plan-site">
              <td>{k + 1}</td>
              <td className="mono">{s.id}{s.pinned && <span className="flag pinned">{t('plan.result.pinned')}</span>}</td>
              <td>{s.bearingDeg === null ? '360°' : `${fmt(s.bearingDeg)}°`}</td>
              <td>{fmt(s.cost)}</td>
              <td>{fmt(s.marginalGain)}</td>
              <td className="no-print">
                <button type="button" disabled={busy} data-testid="plan-pin" onClick={() => onPin(s.id, !s.pinned)}>
                  {s.pinned ? t('plan.result.unpin') : t('plan.result.pin')}
                </button>{' '}
                <button type="button" disabled={busy} data-testid="plan-forbid" onClick={() => onForbid(s.id, true)}>
                  {t('plan.result.forbid')}
                </button>
              </td>
            </tr>
          ))}
          {r.sites.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">{t('plan.result.none')}</td>
            </tr>
          )}
        </tbody>
      </table>
      {forbidden.length > 0 && (
        <p className="plan-forbidden" data-testid="plan-forbidden">
          {t('plan.result.forbidden')}{' '}
          {forbidden.map((id) => (
            <button type="button" key={id} className="chip" disabled={busy} title={t('plan.result.allow')} onClick={() => onForbid(id, false)}>
              {id} ×
            </button>
          ))}
        </p>
      )}
      {coverage(r.layers, t('plan.result.layer'), 'plan-layers')}
      {coverage(r.districts, t('plan.result.district'), 'plan-districts')}
    </div>
  );
}
