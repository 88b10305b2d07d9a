import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AlertsPage } from '../features/alerts/AlertsPage';
import { AnalyticsPage } from '../features/analytics/AnalyticsPage';
import { AuditPage } from '../features/audit/AuditPage';
import { CamerasPage } from '../features/cameras/CamerasPage';
import { HealthPage } from '../features/health/HealthPage';
import { PlanPage } from '../features/plan/PlanPage';
import { PlatesPage } from '../features/plates/PlatesPage';
import { InterceptionPage } from '../features/interception/InterceptionPage';
import { LivePage } from '../features/live/LivePage';
import { PlaybackPage } from '../features/playback/PlaybackPage';
import { PasswordNotice } from '../features/login/PasswordNotice';
import { LanguageSwitcher } from '../i18n/LanguageSwitcher';
import { LiveIndicator } from '../live/LiveIndicator';
import type { Me } from '../api/types';
import { useAuth } from './auth';
import { hrefFor, useRoute, type Route } from './router';
import { DEFAULT_SITE, useSite } from './site';

function roleNames(t: TFunction, me: Me): string {
  return [...new Set(me.grants.map((g) => g.role))].map((r) => t(`roles.${r}`, { defaultValue: r })).join(', ');
}

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  return (
    <a href={hrefFor(route)} className={route === current ? 'active' : undefined} aria-current={route === current ? 'page' : undefined}>
      {label}
    </a>
  );
}

export function Shell({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { logout, can } = useAuth();
  const { site, error: siteError } = useSite();
  const route = useRoute();
  const canAudit = can('audit.read');
  const canLive = can('live.view');
  const canPlayback = can('playback.view');
  const canHealth = can('camera.read');
  const canPlan = can('plan.run');
  const canAnalytics = can('analytics.read');
  const canPlates = can('sightings.read') || can('hotlist.manage');
  const canIntercept = can('search.run');
  const page: Route =
    (route === 'audit' && canAudit) || (route === 'live' && canLive) || (route === 'playback' && canPlayback) || (route === 'health' && canHealth) || (route === 'plan' && canPlan) || ((route === 'alerts' || route === 'analytics') && canAnalytics) || (route === 'plates' && canPlates) || (route === 'interception' && canIntercept) ? route : 'cameras';

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <strong>{t('app.name')}</strong>
          {site.siteId && site.siteName !== DEFAULT_SITE.siteName && <span className="muted site">{site.siteName}</span>}
        </div>
        <nav className="nav">
          <NavLink route="cameras" current={page} label={t('nav.cameras')} />
          {canLive && <NavLink route="live" current={page} label={t('nav.live')} />}
          {canPlayback && <NavLink route="playback" current={page} label={t('nav.playback')} />}
          {canHealth && <NavLink route="health" current={page} label={t('nav.health')} />}
          {canAnalytics && <NavLink route="alerts" current={page} label={t('nav.alerts')} />}
          {canAnalytics && <NavLink route="analytics" current={page} label={t('nav.analytics')} />}
          {canPlates && <NavLink route="plates" current={page} label={t('nav.plates')} />}
          {canIntercept && <NavLink route="interception" current={page} label={t('nav.interception')} />}
          {canPlan && <NavLink route="plan" current={page} label={t('nav.plan')} />}
          {canAudit && <NavLink route="audit" current={page} label={t('nav.audit')} />}
        </nav>
        <div className="topbar-right">
          <LiveIndicator />
          <LanguageSwitcher />
          <span className="user" data-testid="current-user">
            <span className="user-name">{me.displayName || me.username}</span>
            {me.grants.length > 0 && <span className="user-roles muted">{roleNames(t, me)}</span>}
          </span>
          <button type="button" onClick={() => void logout()} data-testid="logout">
            {t('nav.logout')}
          </button>
        </div>
      </header>
      {me.passwordExpiresAt !== null && <PasswordNotice expiresAt={me.passwordExpiresAt} />}
      {siteError && <div className="notice warn">{t('site.unavailable')}</div>}
      <main className="content">
        {page === 'audit' ? <AuditPage /> : page === 'live' ? <LivePage /> : page === 'playback' ? <PlaybackPage /> : page === 'health' ? <HealthPage /> : page === 'plan' ? <PlanPage /> : page === 'alerts' ? <AlertsPage /> : page === 'analytics' ? <AnalyticsPage /> : page === 'plates' ? <PlatesPage /> : page === 'interception' ? <InterceptionPage /> : <CamerasPage />}
      </main>
    </div>
  );
}
