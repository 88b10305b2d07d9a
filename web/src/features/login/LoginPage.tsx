import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../../api/client';
import type { paths } from '../../api/generated/openapi';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { LanguageSwitcher } from '../../i18n/LanguageSwitcher';

type Methods = paths['/api/auth/methods']['get']['responses'][200]['content']['application/json'];

/** The sign-in error of a failed single sign-on (the server redirects to /?sso_error=<code>). */
function ssoErrorFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get('sso_error');
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(() => {
    const sso = ssoErrorFromUrl();
    return sso ? t(`securityPage.errors.${sso}`, { defaultValue: t('securityPage.errors.sso_refused') }) : null;
  });
  const [methods, setMethods] = useState<Methods | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    request<Methods>('/api/auth/methods', { signal: ctl.signal })
      .then(setMethods)
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) console.warn('sign-in methods unavailable', err);
      });
    if (ssoErrorFromUrl()) window.history.replaceState(window.history.state, '', `/${window.location.hash}`);
    return () => ctl.abort();
  }, []);

  const describe = (err: unknown) => {
    if (err instanceof ApiError) {
      const own = t(`securityPage.errors.${err.code}`, { defaultValue: '' });
      if (own) return own;
    }
    return errorText(t, err);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password, needCode ? code.trim() : undefined);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        setNeedCode(true);
        setError(null);
      } else setError(describe(err));
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitcher />
      </div>
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus={!needCode} readOnly={needCode} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required readOnly={needCode} />
        </label>
        {needCode && (
          <label>
            {t('securityPage.login.code')}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required autoFocus data-testid="login-code" />
            <span className="muted">{t('securityPage.login.codeHelp')}</span>
          </label>
        )}
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !username || !password || (needCode && !code)}>
          {busy ? t('login.signingIn') : t('login.signIn')}
        </button>
        {methods?.oidc && (
          <>
            <p className="muted login-or">{t('securityPage.login.or')}</p>
            <a className="button" href="/api/auth/oidc/start" data-testid="login-sso">
              {t('securityPage.login.sso', { label: methods.oidc.label })}
            </a>
          </>
        )}
      </form>
    </div>
  );
}
