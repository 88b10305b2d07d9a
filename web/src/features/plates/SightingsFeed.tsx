import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { SightingTable } from './SightingTable';
import { useSightingsFeed } from './useSightingsFeed';

/** The live feed: newest reads first, new ones arrive over the socket and are highlighted. */
export function SightingsFeed() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { items, fresh, error, loading, more } = useSightingsFeed();
  return (
    <section className="plates-feed">
      <h2>{t('plates.feed.title')}</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {!loading && items.length === 0 && !error && <p className="muted" data-testid="feed-empty">{t('plates.feed.empty')}</p>}
      {items.length > 0 && <SightingTable items={items} fresh={fresh} canIntercept={can('search.run')} testId="sightings-feed" />}
      {more && (
        <button type="button" onClick={more} disabled={loading}>
          {t('plates.feed.more')}
        </button>
      )}
    </section>
  );
}
