import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** An event's JPEG as a thumbnail that opens full size; a placeholder when there is none (or it is gone). */
export function Snapshot({ url, alt }: { url: string | null; alt: string }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <span className="snapshot none" aria-label={t('alerts.noSnapshot')} title={t('alerts.noSnapshot')}>
        —
      </span>
    );
  }
  return (
    <a className="snapshot" href={url} target="_blank" rel="noopener">
      <img src={url} alt={alt} loading="lazy" onError={() => setFailed(true)} data-testid="event-snapshot" />
    </a>
  );
}
