/** Federated forensic search by description (#10): every site searches its shared cameras; per-site status. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { federationApi, type FederatedTrack, type SiteStatus } from './federationApi';

const HOUR = 3_600_000;

export function FederatedTrackSearch({ purpose, caseRef }: { purpose: string; caseRef: string }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState(24);
  const [cls, setCls] = useState('person');
  const [upper, setUpper] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ items: FederatedTrack[]; sites: SiteStatus[]; partial: boolean } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const to = Date.now();
      setResult(await federationApi.searchTracks({ from: to - hours * HOUR, to, classes: cls ? [cls] : undefined, upperColour: upper ? [upper] : undefined }, purpose, caseRef));
      setError(null);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h2>{t('federationPage.trackSearch')}</h2>
      <form onSubmit={(e) => void submit(e)} className="row">
        <label>{t('federationPage.hoursBack')} <input type="number" min={1} max={744} value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="federation-track-hours" /></label>
        <label>{t('federationPage.trackClass')} <input value={cls} onChange={(e) => setCls(e.target.value.trim())} data-testid="federation-track-class" /></label>
        <label>{t('federationPage.upperColour')} <input value={upper} onChange={(e) => setUpper(e.target.value.trim())} data-testid="federation-track-upper" /></label>
        <button type="submit" disabled={busy}>{t('federationPage.searchButton')}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <div data-testid="federation-track-result" data-partial={result.partial ? '1' : '0'}>
          {result.partial && <p className="warn">{t('federationPage.partial')}</p>}
          <ul>
            {result.sites.map((s) => (
              <li key={s.site} data-site={s.site} data-state={s.state}>{t('federationPage.siteStatus', { site: s.site, state: t(`federationPage.stateValue.${s.state}`), results: s.results, ms: s.ms })}{s.message && <span className="muted"> — {s.message}</span>}</li>
            ))}
          </ul>
          <table className="table" data-testid="federation-tracks">
            <thead><tr><th>{t('federationPage.crop')}</th><th>{t('federationPage.camera')}</th><th>{t('federationPage.trackClass')}</th><th>{t('federationPage.seen')}</th></tr></thead>
            <tbody>
              {result.items.map((x) => (
                <tr key={x.id} data-id={x.id} data-site={x.site}>
                  <td>{x.cropUrl && <img src={x.cropUrl.startsWith('/api/') ? `${x.cropUrl}?case=${encodeURIComponent(caseRef)}` : x.cropUrl} alt={x.id} height={64} />}</td>
                  <td>{x.cameraRef}</td>
                  <td>{[x.class, x.upperColour, x.lowerColour].filter(Boolean).join(' · ')}</td>
                  <td>{formatHkt(x.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
