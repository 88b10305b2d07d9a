import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { governanceApi, type RegisterEntry } from '../api';
import { RegisterForm } from './RegisterForm';

/** The camera register for the Privacy Impact Assessment: table, edit (camera.write), CSV export. */
export function RegisterTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [items, setItems] = useState<RegisterEntry[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((x) => x + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    governanceApi.register(ac.signal).then((r) => setItems(r.items), (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [tick]);

  const yn = (b: boolean | null) => (b === null ? '—' : b ? t('common.yes') : t('common.no'));
  return (
    <div className="governance-register" data-testid="register-tab">
      <h2>{t('governancePage.tabs.register')}</h2>
      <div className="toolbar">
        <a className="button" href={governanceApi.registerCsvUrl()} download data-testid="register-csv">{t('governancePage.register.csv')}</a>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
      </div>
      <section className="card table-card">
        <table className="data" data-testid="register-table">
          <thead>
            <tr>
              {['camera', 'owner', 'district', 'purpose', 'legalBasis', 'signage', 'residential', 'retention', 'masks', 'analytics', ''].map((c) => <th key={c}>{c ? t(`governancePage.register.col.${c}`) : ''}</th>)}
            </tr>
          </thead>
          <tbody>
            {items.map((e) => editing === e.cameraId ? (
              <tr key={e.cameraId}><td colSpan={11}><RegisterForm entry={e} onDone={() => { setEditing(null); reload(); }} onCancel={() => setEditing(null)} /></td></tr>
            ) : (
              <tr key={e.cameraId} data-testid="register-row" data-id={e.cameraId}>
                <td>{e.name} <span className="muted">{e.cameraId}</span></td>
                <td>{e.ownerName ?? e.owner}</td>
                <td>{e.district}</td>
                <td>{e.purpose ?? <span className="muted">{t('governancePage.register.notAssessed')}</span>}</td>
                <td>{e.legalBasis ?? '—'}</td>
                <td>{yn(e.signage)}</td>
                <td data-testid="register-residential">{yn(e.residentialFacing)}</td>
                <td>{e.retentionDays ?? t('governancePage.register.siteDefault')}</td>
                <td>{e.masks}</td>
                <td>{yn(e.analyticsEnabled)}</td>
                <td>{can('camera.write') && <button type="button" onClick={() => setEditing(e.cameraId)} data-testid="register-edit">{t('governancePage.register.edit')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
