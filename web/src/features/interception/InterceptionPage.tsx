import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefFor, useRouteParams } from '../../app/router';
import { formatHkt } from '../../time/format';
import { CaseFields } from '../plates/CaseFields';
import { PlateCrop } from '../plates/PlateCrop';
import { useCaseContext } from '../plates/useCaseContext';
import { shownOnly } from './format';
import { InterceptionMap } from './InterceptionMap';
import { NextCameras } from './NextCameras';
import { ReachableList } from './ReachableList';
import type { Unit } from './types';
import { UnitForm } from './UnitForm';
import { useInterception } from './useInterception';
import { useLastSighting } from './useLastSighting';
import '../plates/plates.css';
import './interception.css';

/**
 * Interception aid for a plate (opened from a hotlist alert, a sighting or a search): where and
 * when it will be seen next, and where a response unit gets first. Refreshed at every new read.
 */
export function InterceptionPage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const plate = (params.get('plate') ?? '').trim().toUpperCase();
  const [draft, setDraft] = useState(plate);
  useEffect(() => setDraft(plate), [plate]);
  const [caseCtx, setCaseCtx] = useCaseContext();
  const [unit, setUnit] = useState<Unit | null>(null);
  const state = useInterception(plate, caseCtx.caseRef, unit);
  const last = useLastSighting(plate, state.result?.seenAt ?? null);
  const shown = useMemo(() => (state.result ? shownOnly(state.result) : null), [state.result]);

  const open = (e: FormEvent) => {
    e.preventDefault();
    const p = draft.trim().toUpperCase();
    window.location.hash = hrefFor('interception', { plate: p });
  };

  return (
    <div className="interception-page">
      <h1>{t('interception.title')}</h1>
      <CaseFields value={caseCtx} onChange={setCaseCtx} withPurpose={false} />
      <form className="filters" onSubmit={open}>
        <label>
          {t('interception.plate')}
          <input value={draft} onChange={(e) => setDraft(e.target.value)} required maxLength={20} data-testid="interception-plate" />
        </label>
        <button type="submit" data-testid="interception-open">
          {t('interception.open')}
        </button>
      </form>
      {!caseCtx.caseRef.trim() && plate && <p className="notice warn">{t('interception.needCase')}</p>}
      {state.error && (
        <p className="error" role="alert" data-testid="interception-error">
          {state.error}
        </p>
      )}
      {state.result && (
        <div className="interception-summary" data-testid="interception-summary" data-seen-at={state.result.seenAt} data-updates={state.updates} data-camera={state.result.cameraId}>
          {last && (last.hasPlateCrop || last.hasVehicleCrop) && <PlateCrop sighting={last} />}
          <span>{t('interception.lastSeen', { plate: state.result.plate || plate, camera: state.result.cameraId, at: formatHkt(state.result.seenAt) })}</span>
          {state.result.warnings.map((w) => (
            <span key={w} className="muted small">
              {w}
            </span>
          ))}
        </div>
      )}
      <div className="interception-grid">
        <InterceptionMap last={last} result={shown} unit={unit} onPick={(lat, lon) => setUnit({ lat, lon, speedKmh: unit?.speedKmh ?? 40 })} />
        <div className="interception-side">
          {shown && <NextCameras result={shown} />}
          <h3>{t('interception.unit.title')}</h3>
          <UnitForm unit={unit} onChange={setUnit} />
          {state.result?.reachable && <ReachableList places={state.result.reachable} />}
        </div>
      </div>
    </div>
  );
}
