import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import type { paths } from '../../api/generated/openapi';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type Status = Json<'/api/account/totp', 'get'>;
type Setup = Json<'/api/account/totp', 'post'>;
type Confirmed = Json<'/api/account/totp/confirm', 'post'>;

/** The TOTP second factor of a local account: set up (key + otpauth link), confirm, recovery codes, turn off. */
export function TotpSection() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const [status, setStatus] = useState<Status | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const [offCode, setOffCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await request<Status>('/api/account/totp'));
    } catch (err) {
      setError(errorText(t, err));
    }
  }, [t]);
  useEffect(() => void load(), [load]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const start = () => run(async () => setSetup(await request<Setup>('/api/account/totp', { method: 'POST' })));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const r = await request<Confirmed>('/api/account/totp/confirm', { method: 'POST', json: { code: code.trim() } });
      setRecovery(r.recoveryCodes);
      setSetup(null);
      setCode('');
      await load();
    });
  };
  const finish = async () => {
    setRecovery(null);
    await refresh(); // a user who had to enrol gets the rest of the app now
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await request<void>('/api/account/totp/disable', { method: 'POST', json: { password, code: offCode.trim() } });
      setPassword('');
      setOffCode('');
      setMessage(t('securityPage.totp.disabled'));
      await load();
      await refresh();
    });
  };

  return (
    <section className="card account-section" data-testid="totp-section">
      <h2>{t('securityPage.totp.heading')}</h2>
      {status && !recovery && <p data-testid="totp-status">{status.enrolled ? t('securityPage.totp.on') : t('securityPage.totp.off')}</p>}
      {status?.enrolled && !recovery && <p className="muted">{t('securityPage.totp.recoveryLeft', { count: status.recoveryCodesLeft })}</p>}
      {message && <p className="ok-text">{message}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      {status && !status.enrolled && !setup && !recovery && (
        <button type="button" className="primary" onClick={() => void start()} disabled={busy} data-testid="totp-start">
          {t('securityPage.totp.start')}
        </button>
      )}

      {setup && (
        <form onSubmit={(e) => void confirm(e)} className="account-form">
          <p>{t('securityPage.totp.step1')}</p>
          <dl className="fields">
            <div className="field">
              <dt>{t('securityPage.totp.secret')}</dt>
              <dd className="mono" data-testid="totp-secret">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</dd>
            </div>
            <div className="field">
              <dt>{t('securityPage.totp.uri')}</dt>
              <dd className="mono break">
                <a href={setup.uri} data-testid="totp-uri">{setup.uri}</a>
              </dd>
            </div>
          </dl>
          <label>
            {t('securityPage.totp.step2')}{' '}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} required data-testid="totp-code" />
          </label>{' '}
          <button type="submit" className="primary" disabled={busy || code.trim().length !== 6} data-testid="totp-confirm">
            {t('securityPage.totp.confirm')}
          </button>
        </form>
      )}

      {recovery && (
        <div data-testid="totp-recovery">
          <h3>{t('securityPage.totp.recoveryTitle')}</h3>
          <p>{t('securityPage.totp.recoveryHelp')}</p>
          <ul className="mono recovery-codes">
            {recovery.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <button type="button" className="primary" onClick={() => void finish()} data-testid="totp-done">
            {t('securityPage.totp.done')}
          </button>
        </div>
      )}

      {status?.enrolled && !recovery && (
        <form onSubmit={(e) => void disable(e)} className="account-form">
          <h3>{t('securityPage.totp.disableTitle')}</h3>
          <label>
            {t('securityPage.totp.password')}{' '}
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>{' '}
          <label>
            {t('securityPage.totp.codeOrRecovery')}{' '}
            <input autoComplete="one-time-code" value={offCode} onChange={(e) => setOffCode(e.target.value)} required />
          </label>{' '}
          <button type="submit" disabled={busy || !password || !offCode}>
            {t('securityPage.totp.disable')}
          </button>
        </form>
      )}
    </section>
  );
}
