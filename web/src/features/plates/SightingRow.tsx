import { useTranslation } from 'react-i18next';
import { hrefFor } from '../../app/router';
import { formatHkt } from '../../time/format';
import { PlateCrop } from './PlateCrop';
import type { Sighting } from './types';

/** One sighting in a table: crop, plate, camera, time, confidence, vehicle; `index` numbers a search path. */
export function SightingRow({ s, fresh, index, canIntercept }: { s: Sighting; fresh?: boolean; index?: number; canIntercept: boolean }) {
  const { t } = useTranslation();
  return (
    <tr className={fresh ? 'fresh' : undefined} data-testid="sighting-row" data-id={s.id} data-plate={s.plate} data-seen-at={s.seenAt}>
      {index !== undefined && <td className="num">{index}</td>}
      <td>
        <PlateCrop sighting={s} />
      </td>
      <td className="mono plate-text">{s.plate}</td>
      <td className="mono">{s.cameraId}</td>
      <td>{formatHkt(s.seenAt)}</td>
      <td className="num">{Math.round(s.confidence * 100)}%</td>
      <td>{[s.vehicleColour, s.vehicleClass, s.direction].filter(Boolean).join(' · ') || '—'}</td>
      <td>
        {canIntercept && (
          <a href={hrefFor('interception', { plate: s.plate })} data-testid="sighting-intercept">
            {t('plates.feed.intercept')}
          </a>
        )}
      </td>
    </tr>
  );
}
