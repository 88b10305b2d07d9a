import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { hrefFor, useRouteParams } from '../../app/router';
import { AccessTab } from './access/AccessTab';
import { PrivacyTab } from './privacy/PrivacyTab';
import { RegisterTab } from './register/RegisterTab';
import { TransparencyTab } from './report/TransparencyTab';
import { AuditReviewTab } from './review/AuditReviewTab';

type Tab = 'review' | 'access' | 'privacy' | 'report' | 'register';

/** Which permission opens each tab. */
const TAB_PERMISSION: Record<Tab, string> = {
  review: 'audit.read',
  access: 'access.review',
  privacy: 'privacy.manage',
  report: 'report.read',
  register: 'register.read',
};

/** Governance (#12): audit review, access reviews (break-glass), privacy masks and releases, transparency, the camera register. */
export function GovernancePage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const params = useRouteParams();
  // The Access tab also lets administrators (user.write) give time-limited grants.
  const tabs = (Object.keys(TAB_PERMISSION) as Tab[]).filter((x) => can(TAB_PERMISSION[x]) || (x === 'access' && can('user.write')));
  const asked = params.get('tab') as Tab | null;
  const tab: Tab | undefined = asked && tabs.includes(asked) ? asked : tabs[0];
  return (
    <div className="governance-page">
      <h1>{t('governancePage.title')}</h1>
      <nav className="tabs" aria-label={t('governancePage.title')}>
        {tabs.map((x) => (
          <a key={x} href={hrefFor('governance', { tab: x })} className={x === tab ? 'active' : undefined} aria-current={x === tab ? 'page' : undefined} data-testid={`governance-tab-${x}`}>
            {t(`governancePage.tabs.${x}`)}
          </a>
        ))}
      </nav>
      {tab === 'review' ? <AuditReviewTab /> : tab === 'access' ? <AccessTab /> : tab === 'privacy' ? <PrivacyTab /> : tab === 'report' ? <TransparencyTab /> : tab === 'register' ? <RegisterTab /> : null}
    </div>
  );
}
