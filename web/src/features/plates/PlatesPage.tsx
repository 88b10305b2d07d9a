import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { hrefFor, useRouteParams } from '../../app/router';
import { HotlistsPanel } from './HotlistsPanel';
import { PlateSearch } from './PlateSearch';
import { SightingsFeed } from './SightingsFeed';
import './plates.css';

type Tab = 'feed' | 'search' | 'hotlists';

/** ANPR: the live sightings feed, plate search (in a case) and hotlist management, one tab each. */
export function PlatesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const params = useRouteParams();
  // An administrator manages hotlists but does not read sightings (personal data).
  const tabs = (['feed', 'search', 'hotlists'] as const).filter((x) => can(x === 'feed' ? 'sightings.read' : x === 'search' ? 'search.run' : 'hotlist.manage'));
  const asked = params.get('tab') as Tab | null;
  const tab: Tab = asked && tabs.includes(asked) ? asked : (tabs[0] ?? 'feed');
  return (
    <div className="plates-page">
      <h1>{t('plates.title')}</h1>
      <nav className="tabs" aria-label={t('plates.title')}>
        {tabs.map((x) => (
          <a key={x} href={hrefFor('plates', { tab: x })} className={x === tab ? 'active' : undefined} aria-current={x === tab ? 'page' : undefined} data-testid={`plates-tab-${x}`}>
            {t(`plates.tabs.${x}`)}
          </a>
        ))}
      </nav>
      {tab === 'feed' ? <SightingsFeed /> : tab === 'search' ? <PlateSearch /> : <HotlistsPanel />}
    </div>
  );
}
