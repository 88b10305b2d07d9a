import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatHkt, parseHktLocal } from '../../../time/format';
import { governanceApi, type UserView } from '../api';

const ROLES = ['viewer', 'operator', 'investigator', 'supervisor', 'administrator', 'auditor'];

/** Users' grants with their expiry; holders of 'user.write' add a time-limited grant (expired grants no longer apply). */
export function GrantsPanel() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [users, setUsers] = useState<UserView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [form, setForm] = useState({ userId: '', role: 'investigator', expires: '' });
  const reload = useCallback(() => setTick((x) => x + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    governanceApi.users(ac.signal).then((r) => setUsers(r.items), (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [tick]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const u = users.find((x) => x.id === form.userId);
    const expiresAt = parseHktLocal(form.expires);
    if (!u || expiresAt === null) return;
    try {
      await governanceApi.setGrants(u.id, [...u.grants, { role: form.role, organisations: null, districts: null, expiresAt }]);
      reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card table-card">
      <div className="toolbar">
        <h3>{t('governancePage.access.grants')}</h3>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
      </div>
      <table className="data" data-testid="grants-table">
        <thead>
          <tr>
            <th>{t('governancePage.access.col.user')}</th>
            <th>{t('governancePage.access.col.role')}</th>
            <th>{t('governancePage.access.col.scope')}</th>
            <th>{t('governancePage.access.col.expires')}</th>
          </tr>
        </thead>
        <tbody>
          {users.flatMap((u) => u.grants.map((g, i) => (
            <tr key={`${u.id}-${i}`} data-testid="grant-row" data-user={u.username}>
              <td>{u.username}</td>
              <td>{g.role}</td>
              <td>{[g.organisations?.join(', ') ?? t('governancePage.access.all'), g.districts?.join(', ') ?? t('governancePage.access.all')].join(' · ')}</td>
              <td>{g.expiresAt ? formatHkt(g.expiresAt) : t('governancePage.access.never')}</td>
            </tr>
          )))}
        </tbody>
      </table>
      {can('user.write') && (
        <form className="inline-form" onSubmit={(e) => void add(e)} data-testid="grant-form">
          <select value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })} required data-testid="grant-user">
            <option value="">{t('governancePage.access.pickUser')}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.username}</option>)}
          </select>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })} data-testid="grant-role">
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <label>
            {t('governancePage.access.expiresAt')}
            <input type="datetime-local" value={form.expires} required onChange={(e) => setForm({ ...form, expires: e.target.value })} data-testid="grant-expires" />
          </label>
          <button type="submit" data-testid="grant-add">{t('governancePage.access.addGrant')}</button>
        </form>
      )}
    </section>
  );
}
