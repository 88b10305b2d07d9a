import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isAbort } from '../../api/client';
import { useSite } from '../../app/site';
import { errorText } from '../../app/errors';
import { download, sitesCsv, sitesGeoJson } from './exports';
import { LayerInputs } from './LayerInputs';
import './plan.css';
import { planApi } from './planApi';
import { PlanMap } from './PlanMap';
import { PlanOptionsBar } from './PlanOptions';
import { ResultTable } from './ResultTable';
import { INITIAL_FORM, toRequest, type PlanForm, type PlanResult } from './types';

interface Rejected {
  message: string;
  fileErrors: string[];
  rows: Array<{ source: string; row: number; id: string | null; errors: string[] }>;
}

function rejectedOf(err: unknown): Rejected | null {
  if (!(err instanceof ApiError) || err.code !== 'plan_input_rejected' || !err.details) return null;
  const d = err.details as { fileErrors?: string[]; rejected?: Rejected['rows'] };
  return { message: err.message, fileErrors: d.fileErrors ?? [], rows: d.rejected ?? [] };
}

/**
 * The camera site planner: load layers, choose K or a budget, run greedy or exact, see the plan on
 * the map and in the table, pin or forbid sites (recomputed at once), export and print.
 */
export function PlanPage() {
  const { t } = useTranslation();
  const { site, loaded } = useSite();
  const [form, setForm] = useState<PlanForm>(INITIAL_FORM);
  const [pinned, setPinned] = useState<string[]>([]);
  const [forbidden, setForbidden] = useState<string[]>([]);
  const [result, setResult] = useState<PlanResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; rejected: Rejected | null } | null>(null);
  const [dataKey, setDataKey] = useState('');
  const inputsKey = useRef('');
  const abort = useRef<AbortController | null>(null);

  const change = useCallback((next: Partial<PlanForm>) => setForm((f) => ({ ...f, ...next })), []);
  const canRun = form.layers.length > 0 && form.candidates.trim() !== '';

  const run = useCallback(
    async (f: PlanForm, pins: string[], forbids: string[]) => {
      abort.current?.abort();
      const ctrl = new AbortController();
      abort.current = ctrl;
      setBusy(true);
      setError(null);
      try {
        const r = await planApi.run(toRequest(f, pins, forbids), ctrl.signal);
        setResult(r);
        const key = JSON.stringify([f.layers.map((l) => l.text.length), f.candidates.length, f.existing.length, f.useInventory]);
        if (key !== inputsKey.current) {
          inputsKey.current = key;
          setDataKey(key);
        }
      } catch (err) {
        if (isAbort(err)) return;
        const rejected = rejectedOf(err);
        if (!rejected) console.error('Planning failed', err);
        setError({ text: rejected ? rejected.message : errorText(t, err), rejected });
      } finally {
        if (abort.current === ctrl) setBusy(false);
      }
    },
    [t],
  );

  // What-if: a changed K or budget is recomputed (after a pause in typing) once there is a result.
  const hasResult = result !== null;
  useEffect(() => {
    if (!hasResult) return;
    const timer = setTimeout(() => void run(form, pinned, forbidden), 500);
    return () => clearTimeout(timer);
    // Only K / budget / mode trigger this; everything else waits for Run.
  }, [form.count, form.budget, form.mode]);

  const pin = (id: string, on: boolean) => {
    const next = on ? [...pinned.filter((x) => x !== id), id] : pinned.filter((x) => x !== id);
    setPinned(next);
    void run(form, next, forbidden);
  };
  const forbid = (id: string, on: boolean) => {
    const next = on ? [...forbidden.filter((x) => x !== id), id] : forbidden.filter((x) => x !== id);
    const pins = pinned.filter((x) => x !== id);
    setForbidden(next);
    setPinned(pins);
    void run(form, pins, next);
  };

  return (
    <div className="plan-page">
      <div className="toolbar">
        <h1>{t('plan.title')}</h1>
        <div className="toolbar-actions no-print">
          {result && (
            <>
              <button type="button" data-testid="plan-export-geojson" onClick={() => download('plan-sites.geojson', 'application/geo+json', sitesGeoJson(result))}>
                {t('plan.export.geojson')}
              </button>
              <button type="button" data-testid="plan-export-csv" onClick={() => download('plan-sites.csv', 'text/csv', sitesCsv(result))}>
                {t('plan.export.csv')}
              </button>
              <button type="button" data-testid="plan-print" onClick={() => window.print()}>
                {t('plan.export.print')}
              </button>
            </>
          )}
        </div>
      </div>
      <div className="plan-layout">
        <aside className="plan-side no-print">
          <LayerInputs form={form} onChange={change} />
        </aside>
        <section className="plan-main">
          <div className="no-print">
            <PlanOptionsBar form={form} busy={busy} canRun={canRun} onChange={change} onRun={() => void run(form, pinned, forbidden)} />
          </div>
          {error && (
            <div className="notice bad plan-error" role="alert" data-testid="plan-error">
              <span>{error.text}</span>
              {error.rejected && (
                <ul>
                  {error.rejected.fileErrors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                  {error.rejected.rows.slice(0, 100).map((r) => (
                    <li key={`${r.source}:${r.row}`}>{t('plan.rejectedRow', { source: r.source, row: r.row, id: r.id ?? '—', errors: r.errors.join('; ') })}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {loaded ? (
            <PlanMap mapCfg={site.map} data={result?.map ?? null} sites={result?.sites ?? []} radiusM={result?.radiusM ?? form.radiusM} fovDeg={result?.fovDeg ?? null} dataKey={dataKey} />
          ) : (
            <div className="map-wrap placeholder">{t('common.loading')}</div>
          )}
          {result ? <ResultTable result={result} forbidden={forbidden} busy={busy} onPin={pin} onForbid={forbid} /> : <p className="muted">{t('plan.empty')}</p>}
        </section>
      </div>
    </div>
  );
}
