import { useTranslation } from 'react-i18next';
import type { ImportRejection } from '../../api/types';

export function RejectedRows({ rejection }: { rejection: ImportRejection }) {
  const { t } = useTranslation();
  return (
    <div className="rejection" data-testid="import-rejected">
      <p className="error" role="alert">
        {t('import.rejected', { rejected: rejection.rejected.length, total: rejection.total })}{' '}
        <strong>{t('import.nothingImported')}</strong>
      </p>
      <div className="scroll">
        <table className="data compact">
          <thead>
            <tr>
              <th>{t('import.row')}</th>
              <th>{t('camera.id')}</th>
              <th>{t('import.errors')}</th>
            </tr>
          </thead>
          <tbody>
            {rejection.rejected.map((r) => (
              <tr key={`${r.row}-${r.id ?? ''}`} data-testid="rejected-row">
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
    </div>
  );
}
