import { useTranslation } from 'react-i18next';
import type { RejectedRow } from '../../api/types';

/** The rows of a hotlist CSV the server refused (nothing was imported). */
export function ImportRejected({ rows }: { rows: RejectedRow[] }) {
  const { t } = useTranslation();
  return (
    <div className="rejection" data-testid="hotlist-import-rejected">
      <p className="error" role="alert">
        {t('plates.import.rejected', { count: rows.length })} <strong>{t('import.nothingImported')}</strong>
      </p>
      <table className="data compact">
        <thead>
          <tr>
            <th>{t('import.row')}</th>
            <th>{t('plates.col.plate')}</th>
            <th>{t('import.errors')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.row}-${r.id ?? ''}`} data-testid="hotlist-rejected-row" data-row={r.row}>
              <td>{r.row}</td>
              <td className="mono">{r.id ?? '—'}</td>
              <td>
                <ul className="plain">
                  {r.errors.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
