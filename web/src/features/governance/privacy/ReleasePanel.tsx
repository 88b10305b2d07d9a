import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../app/errors';
import { evidenceApi } from '../../evidence/api';
import { privacyApi, type Release } from './privacyApi';
import { ReleaseCard } from './ReleaseCard';

const POLL_MS = 1500;

/**
 * Copies for release and the subject-access request workflow: (1) the request reference and case, (2) find the
 * footage — the chosen camera over a time range, exported as the signed original — or name an existing export,
 * (3) make a masked or redacted copy, (4) keep the requester's track, (5) a reviewer approves, (6) download.
 * Every step is a call the server audits (with the case and the request reference).
 */
export function ReleasePanel({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const [requestRef, setRequestRef] = useState('');
  const [caseRef, setCaseRef] = useState('');
  const [purpose, setPurpose] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [exportInput, setExportInput] = useState('');
  const [exportId, setExportId] = useState('');
  const [kind, setKind] = useState<'redacted' | 'masked'>('redacted');
  const [finding, setFinding] = useState(false);
  const [items, setItems] = useState<Release[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    if (!exportId) return;
    privacyApi.releasesOf(exportId, signal).then(
      (r) => setItems(r.items.filter((x) => !cameraId || x.cameraId === cameraId)),
      (err: unknown) => {
        if (!signal?.aborted) setError(errorText(t, err));
      },
    );
  }, [exportId, cameraId, t]);
  useEffect(() => {
    const ac = new AbortController();
    load(ac.signal);
    return () => ac.abort();
  }, [load]);
  // Follow running copies until they finish.
  const running = items.some((x) => x.status === 'running');
  useEffect(() => {
    if (!running) return;
    const ac = new AbortController();
    const timer = setInterval(() => load(ac.signal), POLL_MS);
    return () => {
      clearInterval(timer);
      ac.abort();
    };
  }, [running, load]);

  const find = async () => {
    setError(null);
    const fromMs = new Date(from).getTime();
    const toMs = new Date(to).getTime();
    if (!cameraId || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs || !caseRef.trim() || !purpose.trim()) {
      setError(t('privacyPage.release.findInvalid'));
      return;
    }
    setFinding(true);
    try {
      let ex = await evidenceApi.create({ cameraIds: [cameraId], fromMs, toMs, caseRef: caseRef.trim(), purpose: purpose.trim() });
      while (ex.status === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        ex = await evidenceApi.get(ex.id);
      }
      if (ex.status !== 'done') throw new Error(t('privacyPage.release.exportFailed', { status: ex.status }));
      setExportInput(ex.id);
      setExportId(ex.id);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setFinding(false);
    }
  };

  const make = async () => {
    setError(null);
    try {
      await privacyApi.createRelease(exportId, { cameraId, kind, ...(requestRef.trim() ? { requestRef: requestRef.trim() } : {}) });
      load();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  return (
    <section className="privacy-releases" data-testid="release-panel">
      <h3>{t('privacyPage.release.title')}</h3>
      <p>{t('privacyPage.release.intro')}</p>
      <fieldset>
        <legend>{t('privacyPage.release.request')}</legend>
        <label>{t('privacyPage.release.requestRef')} <input value={requestRef} onChange={(e) => setRequestRef(e.target.value)} maxLength={100} data-testid="release-request-ref" /></label>
        <label>{t('privacyPage.release.caseRef')} <input value={caseRef} onChange={(e) => setCaseRef(e.target.value)} maxLength={100} data-testid="release-case" /></label>
        <label>{t('privacyPage.release.purpose')} <input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={500} data-testid="release-purpose" /></label>
      </fieldset>
      <fieldset>
        <legend>{t('privacyPage.release.footage')}</legend>
        {!cameraId && <p>{t('privacyPage.release.pickCameraFirst')}</p>}
        <label>{t('privacyPage.release.from')} <input type="datetime-local" step="1" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="release-from" /></label>
        <label>{t('privacyPage.release.to')} <input type="datetime-local" step="1" value={to} onChange={(e) => setTo(e.target.value)} data-testid="release-to" /></label>
        <button type="button" onClick={() => void find()} disabled={finding || !cameraId} data-testid="release-find">
          {finding ? t('privacyPage.release.finding') : t('privacyPage.release.find')}
        </button>
        <label>
          {t('privacyPage.release.exportId')}{' '}
          <input value={exportInput} onChange={(e) => setExportInput(e.target.value)} maxLength={64} data-testid="release-export-id" />
        </label>
        <button type="button" className="secondary" onClick={() => setExportId(exportInput.trim())} disabled={!exportInput.trim()} data-testid="release-export-open">
          {t('privacyPage.release.open')}
        </button>
      </fieldset>
      {exportId && (
        <div data-testid="release-export" data-export={exportId}>
          <p>{t('privacyPage.release.ofExport', { exportId, cameraId })}</p>
          <label>
            {t('privacyPage.release.kindLabel')}{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value as 'redacted' | 'masked')} data-testid="release-kind">
              <option value="redacted">{t('privacyPage.release.kind.redacted')}</option>
              <option value="masked">{t('privacyPage.release.kind.masked')}</option>
            </select>
          </label>{' '}
          <button type="button" onClick={() => void make()} disabled={!cameraId} data-testid="release-make">{t('privacyPage.release.make')}</button>
          {items.length === 0 ? <p className="empty">{t('privacyPage.release.none')}</p> : items.map((r) => <ReleaseCard key={`${r.id}:${r.status}:${r.keepTracks.join(',')}`} release={r} onChanged={() => load()} />)}
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
