import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import type { paths } from '../../api/generated/openapi';
import type { CreatedToken, Me } from '../../api/types';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';

type TokenList = paths['/api/tokens']['get']['responses'][200]['content']['application/json'];
type Token = TokenList['items'][number];

/** My API tokens: list, revoke, and create one limited to some of my permissions. */
export function TokensSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Token[]>([]);
  const [name, setName] = useState('');
  const [ttlDays, setTtlDays] = useState('90');
  const [picked, setPicked] = useState<string[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await request<TokenList>('/api/tokens')).items);
    } catch (err) {
      setError(errorText(t, err));
    }
  }, [t]);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const days = Number(ttlDays);
      const r = await request<CreatedToken>('/api/tokens', { method: 'POST', json: { name: name.trim(), ...(days > 0 ? { ttlDays: days } : {}), ...(picked.length ? { permissions: picked } : {}) } });
      setCreated(r.token);
      setName('');
      setPicked([]);
      await load();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setError(null);
    try {
      await request<void>(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
      await load();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const toggle = (p: string) => setPicked((cur) => (cur.includes(p) ? cur.filter((x) => x !== p) : [...cur, p]));

  return (
    <section className="card account-section" data-testid="tokens-section">
      <h2>{t('securityPage.tokens.heading')}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('securityPage.tokens.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('securityPage.tokens.name')}</th>
              <th>{t('securityPage.tokens.permissions')}</th>
              <th>{t('securityPage.tokens.expires')}</th>
              <th>{t('securityPage.tokens.lastUsed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((tok) => (
              <tr key={tok.id}>
                <td>{tok.name}</td>
                <td className="mono">{tok.permissions ? tok.permissions.join(', ') : t('securityPage.tokens.all')}</td>
                <td>{tok.expiresAt ? formatHkt(tok.expiresAt) : t('securityPage.tokens.never')}</td>
                <td>{formatHkt(tok.lastUsedAt)}</td>
                <td>
                  {tok.revokedAt ? (
                    t('securityPage.tokens.revoked')
                  ) : (
                    <button type="button" onClick={() => void revoke(tok.id)}>
                      {t('securityPage.tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && (
        <p className="notice ok">
          {t('securityPage.tokens.created')} <code className="mono break" data-testid="token-created">{created}</code>
        </p>
      )}
      <form onSubmit={(e) => void create(e)} className="account-form">
        <label>
          {t('securityPage.tokens.name')} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>{' '}
        <label>
          {t('securityPage.tokens.ttlDays')} <input type="number" min={1} max={3650} value={ttlDays} onChange={(e) => setTtlDays(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('securityPage.tokens.limitTo')}</legend>
          {me.permissions.map((p) => (
            <label key={p} className="nowrap">
              <input type="checkbox" checked={picked.includes(p)} onChange={() => toggle(p)} /> <span className="mono">{p}</span>{' '}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          {t('securityPage.tokens.create')}
        </button>
      </form>
    </section>
  );
}
