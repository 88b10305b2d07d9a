import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import type { Sighting } from './types';

/** A simple timeline of the path: one numbered tick per sighting, placed by time. */
export function PathTimeline({ items }: { items: Sighting[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  const first = items[0]!.seenAt;
  const last = items[items.length - 1]!.seenAt;
  const span = Math.max(1, last - first);
  return (
    <div className="path-timeline" data-testid="path-timeline" aria-label={t('plates.search.timeline')}>
      <div className="axis" />
      {items.map((s, i) => (
        <span key={s.id} className="tick" style={{ left: `${(100 * (s.seenAt - first)) / span}%` }} title={`${i + 1}. ${s.cameraId} ${formatHkt(s.seenAt)}`} data-testid="timeline-tick">
          {i + 1}
        </span>
      ))}
      <div className="ends muted small">
        <span>{formatHkt(first)}</span>
        <span>{formatHkt(last)}</span>
      </div>
    </div>
  );
}
