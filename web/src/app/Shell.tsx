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
import { SearchPage } from '../features/search/SearchPage';
import { CrowdPage } from '../features/crowd/CrowdPage';
import { GovernancePage } from '../features/governance/GovernancePage';
import { ClusterPage } from '../features/cluster/ClusterPage';
import { FederationPage } from '../features/federation/FederationPage';
import { DevicesPage } from '../features/devices/DevicesPage';
import { AccountPage } from '../features/account/AccountPage';
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

function Page({ page }: { page: Route }) {
  switch (page) {
    case 'audit': return <AuditPage />;
    case 'live': return <LivePage />;
    case 'playback': return <PlaybackPage />;
    case 'health': return <HealthPage />;
    case 'plan': return <PlanPage />;
    case 'alerts': return <AlertsPage />;
    case 'analytics': return <AnalyticsPage />;
    case 'plates': return <PlatesPage />;
    case 'interception': return <InterceptionPage />;
    case 'search': return <SearchPage />;
    case 'crowd': return <CrowdPage />;
    case 'governance': return <GovernancePage />;
    case 'cluster': return <ClusterPage />;
    case 'federation': return <FederationPage />;
    case 'devices': return <DevicesPage />;
    case 'account': return <AccountPage />;
    case 'cameras': return <CamerasPage />;
  }
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
  const canSearch = can('search.run');
  const canCrowd = can('crowd.read');
  const canCluster = can('metrics.read');
  const canGovern = ['audit.read', 'access.review', 'privacy.manage', 'report.read', 'register.read'].some((p) => can(p));
  const allowed: Record<Route, boolean> = {
    cameras: true, audit: canAudit, live: canLive, playback: canPlayback, health: canHealth, plan: canPlan, alerts: canAnalytics, analytics: canAnalytics,
    plates: canPlates, interception: canIntercept, search: canSearch, crowd: canCrowd, governance: canGovern, cluster: canCluster, federation: canHealth, devices: can('camera.write'), account: true,
  };
  // A user who must enrol a second factor first only has the Account page (#12).
  const page: Route = me.secondFactor.required ? 'account' : allowed[route] ? route : 'cameras';

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
          {canSearch && <NavLink route="search" current={page} label={t('nav.search')} />}
          {canCrowd && <NavLink route="crowd" current={page} label={t('nav.crowd')} />}
          {canPlan && <NavLink route="plan" current={page} label={t('nav.plan')} />}
          {canAudit && <NavLink route="audit" current={page} label={t('nav.audit')} />}
          {canGovern && <NavLink route="governance" current={page} label={t('nav.governance')} />}
          {canCluster && <NavLink route="cluster" current={page} label={t('clusterPage.nav')} />}
          {canHealth && <NavLink route="federation" current={page} label={t('federationPage.nav')} />}
          {can('camera.write') && <NavLink route="devices" current={page} label={t('devicesPage.nav')} />}
          <NavLink route="account" current={page} label={t('nav.account')} />
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
        <Page page={page} />
      </main>
    </div>
  );
}
