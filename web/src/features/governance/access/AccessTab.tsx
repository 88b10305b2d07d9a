import { useTranslation } from 'react-i18next';
import { useAuth } from '../../../app/auth';
import { BreakGlassQueue } from './BreakGlassQueue';
import { GrantsPanel } from './GrantsPanel';

/** Access reviews: the break-glass review queue (access.review) and time-limited grants (user.read / user.write). */
export function AccessTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <div className="governance-access" data-testid="access-tab">
      <h2>{t('governancePage.tabs.access')}</h2>
      {can('access.review') && <BreakGlassQueue />}
      {can('user.read') && <GrantsPanel />}
    </div>
  );
}
