import { useTranslation } from 'react-i18next';
import type { HealthCounts, HealthSummary } from './types';

function Counts({ title, rows, label }: { title: string; rows: Array<HealthCounts & { key: string }>; label: string }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{title}</h2>
      <div className="scroll">
        <table className="data compact health-table">
          <thead>
            <tr>
              <th>{label}</th>
              <th className="num">{t('health.tiles.all')}</th>
              <th className="num">{t('health.states.online')}</th>
              <th className="num">{t('health.states.offline')}</th>
              <th className="num">{t('health.tiles.tampered')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{r.key}</td>
                <td className="num">{r.total}</td>
                <td className="num">{r.states.online ?? 0}</td>
                <td className="num">{(r.states.offline ?? 0) + (r.states.failed ?? 0)}</td>
                <td className="num">{r.tampered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Counts per owner and per district (offline includes failed). */
export function HealthBreakdown({ summary, nameOf }: { summary: HealthSummary; nameOf(owner: string): string }) {
  const { t } = useTranslation();
  return (
    <div className="health-breakdown">
      <Counts title={t('health.byOwner')} label={t('health.col.owner')} rows={summary.byOwner.map((o) => ({ ...o, key: nameOf(o.owner) }))} />
      <Counts title={t('health.byDistrict')} label={t('health.col.district')} rows={summary.byDistrict.map((d) => ({ ...d, key: d.district }))} />
    </div>
  );
}
