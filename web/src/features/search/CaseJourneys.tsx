import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { formatHkt } from '../../time/format';
import { journeyAnchors, journeyChain } from './journey';
import { searchApi } from './searchApi';
import type { Track } from './types';

const SHOWN = 10;

/** The journeys already begun in the case (from its decided steps), to pick one up again. */
export function CaseJourneys({ caseRef, current, revision, onOpen }: { caseRef: string; current: string | null; revision: number; onOpen(id: string): void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<{ anchor: Track; steps: number }[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    (async () => {
      const { items: steps } = await searchApi.steps(caseRef, ac.signal);
      const anchors = journeyAnchors(steps).slice(-SHOWN);
      return Promise.all(anchors.map(async (id) => ({ anchor: await searchApi.track(caseRef, id, ac.signal), steps: journeyChain(id, steps).trackIds.length })));
    })().then(setItems, (err: unknown) => {
      if (!isAbort(err)) console.error('The journeys of the case could not be read', err);
    });
    return () => ac.abort();
  }, [caseRef, revision]);
  if (items.length === 0) return null;
  return (
    <div className="case-journeys small" data-testid="case-journeys">
      <span>{t('searchPage.journey.inCase')}</span>
      {items.map(({ anchor, steps }) => (
        <button key={anchor.id} type="button" className={`chip${anchor.id === current ? ' primary' : ''}`} onClick={() => onOpen(anchor.id)} data-testid="case-journey" data-id={anchor.id}>
          {t('searchPage.journey.from', { camera: anchor.cameraId, at: formatHkt(anchor.startedAt), count: steps })}
        </button>
      ))}
    </div>
  );
}
