import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import './account.css';
import { TokensSection } from './TokensSection';
import { TotpSection } from './TotpSection';

/** My account: who I am, my second factor (local accounts), my API tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  if (!me) return null;
  return (
    <section className="page account-page">
      <h1>{t('securityPage.title')}</h1>
      <p>
        {t('securityPage.signedInAs', { name: me.displayName, username: me.username })} · <span className="muted">{t(`securityPage.source.${me.authSource}`)}</span>
      </p>
      {me.secondFactor.required && (
        <p className="notice warn" role="alert" data-testid="totp-required">
          {t('securityPage.mustEnrol')}
        </p>
      )}
      {me.authSource === 'local' ? <TotpSection /> : <p className="muted">{t('securityPage.totp.ssoManaged')}</p>}
      {can('token.manage') && <TokensSection me={me} />}
    </section>
  );
}
