import { useTranslation } from 'react-i18next';
import { LoginPage } from '../features/login/LoginPage';
import { LiveProvider } from '../live/live';
import { AuthProvider, useAuth } from './auth';
import { errorText } from './errors';
import { Shell } from './Shell';
import { SiteProvider } from './site';

function Root() {
  const { t } = useTranslation();
  const { status, me, error, refresh } = useAuth();
  if (status === 'loading') return <div className="splash">{t('common.loading')}</div>;
  if (status === 'error')
    return (
      <div className="splash">
        <p className="error">{errorText(t, error)}</p>
        <button type="button" onClick={() => void refresh()}>
          {t('common.retry')}
        </button>
      </div>
    );
  if (!me) return <LoginPage />;
  // /api/site and the event socket need a session: both live inside the signed-in part.
  return (
    <SiteProvider key={me.id}>
      <LiveProvider>
        <Shell me={me} />
      </LiveProvider>
    </SiteProvider>
  );
}

export function App() {
  return (
    <AuthProvider>
      <Root />
    </AuthProvider>
  );
}
