import { useTranslation } from 'react-i18next';
import { SightingRow } from './SightingRow';
import type { Sighting } from './types';

/** Sightings as a table; `numbered` shows the position in a path (search results in time order). */
export function SightingTable({ items, fresh, numbered, canIntercept, testId }: { items: Sighting[]; fresh?: Set<string>; numbered?: boolean; canIntercept: boolean; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="scroll">
      <table className="data compact sightings" data-testid={testId} data-count={items.length}>
        <thead>
          <tr>
            {numbered && <th>#</th>}
            <th>{t('plates.col.crop')}</th>
            <th>{t('plates.col.plate')}</th>
            <th>{t('plates.col.camera')}</th>
            <th>{t('plates.col.time')}</th>
            <th>{t('plates.col.confidence')}</th>
            <th>{t('plates.col.vehicle')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((s, i) => (
            <SightingRow key={s.id} s={s} fresh={fresh?.has(s.id)} index={numbered ? i + 1 : undefined} canIntercept={canIntercept} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
