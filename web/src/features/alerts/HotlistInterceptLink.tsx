import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { hrefFor } from '../../app/router';
import type { AnalyticsEvent } from './types';

/** On a hotlist alert: the way to the interception map of the plate (src/plates raises them as type 'hotlist_match'). */
export function HotlistInterceptLink({ event }: { event: AnalyticsEvent }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const plate = event.detail.plate;
  if (event.type !== 'hotlist_match' || typeof plate !== 'string' || !can('search.run')) return null;
  return (
    <a href={hrefFor('interception', { plate })} data-testid="alert-intercept">
      {t('alerts.intercept')}
    </a>
  );
}
