import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { federationApi, type FederatedSighting, type PeerHealth, type RemoteCamera, type SiteStatus } from './federationApi';
import { RemoteLive } from './RemoteLive';
import { FederatedTrackSearch } from './TrackSearch';
import { useRouteParams } from '../../app/router';

const REFRESH_MS = 5000;

/** Federation (#10): peer sites' health, the cameras they share (marked by owner), proxied live, federated plate search. */
export function FederationPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const chosen = useRouteParams().get('cam');
  const [peers, setPeers] = useState<PeerHealth[] | null>(null);
  const [cameras, setCameras] = useState<RemoteCamera[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [watching, setWatching] = useState<string | null>(null);
  const [purpose, setPurpose] = useState('');
  const [plate, setPlate] = useState('');
  const [caseRef, setCaseRef] = useState('');
  const [result, setResult] = useState<{ items: FederatedSighting[]; sites: SiteStatus[]; partial: boolean } | null>(null);
  const [searching, setSearching] = useState(false);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const [p, c] = await Promise.all([federationApi.peers(signal), federationApi.cameras(signal)]);
      setPeers(p.items);
      setCameras(c.items);
      setError(null);
    } catch (err) {
      if (!signal?.aborted) setError(errorText(t, err));
    }
  }, [t]);

  useEffect(() => {
    const ac = new AbortController();
    void load(ac.signal);
    const timer = setInterval(() => void load(ac.signal), REFRESH_MS);
    return () => {
      ac.abort();
      clearInterval(timer);
    };
  }, [load]);

  const refresh = async () => {
    try {
      setPeers((await federationApi.refresh()).items);
      setCameras((await federationApi.cameras()).items);
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setSearching(true);
    try {
      setResult(await federationApi.searchPlates(plate, purpose, caseRef));
      setError(null);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setSearching(false);
    }
  };

  return (
    <section className="page federation-page" data-testid="federation-page">
      <h1>{t('federationPage.title')}</h1>
      <p className="muted">{t('federationPage.intro')}</p>
      {error && <p className="error" role="alert">{error}</p>}
      <h2>{t('federationPage.peers')} <button type="button" onClick={() => void refresh()}>{t('federationPage.refresh')}</button></h2>
      {peers === null ? <p>{t('federationPage.loading')}</p> : peers.length === 0 ? <p>{t('federationPage.noPeers')}</p> : (
        <table className="table" data-testid="federation-peers">
          <thead><tr><th>{t('federationPage.site')}</th><th>{t('federationPage.state')}</th><th>{t('federationPage.latency')}</th><th>{t('federationPage.cameras')}</th><th>{t('federationPage.age')}</th></tr></thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.siteId} data-site={p.siteId} data-state={p.state}>
                <td>{p.name ?? p.siteId} <span className="muted">{p.siteId}</span></td>
                <td title={p.lastError ?? ''}>{t(`federationPage.stateValue.${p.state}`)}</td>
                <td>{p.latencyMs === null ? '—' : t('federationPage.ms', { ms: p.latencyMs })}</td>
                <td>{p.cameras}</td>
                <td>{p.inventoryAgeMs === null ? '—' : t('federationPage.seconds', { seconds: Math.round(p.inventoryAgeMs / 1000) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('federationPage.remoteCameras')}</h2>
      <label>{t('federationPage.purpose')} <input value={purpose} onChange={(e) => setPurpose(e.target.value)} data-testid="federation-purpose" /></label>
      <table className="table" data-testid="federation-cameras">
        <thead><tr><th>{t('federationPage.camera')}</th><th>{t('federationPage.owner')}</th><th>{t('federationPage.policy')}</th><th /></tr></thead>
        <tbody>
          {cameras.map((c) => (
            <tr key={c.ref} data-ref={c.ref} data-stale={c.stale ? '1' : '0'} className={c.ref === chosen ? 'selected' : undefined}>
              <td>{c.name} <span className="muted">{c.ref}</span>{c.stale && <span className="badge warn"> {t('federationPage.stale')}</span>}</td>
              <td>{t('federationPage.ownerValue', { site: c.site, owner: c.owner })}</td>
              <td>{[c.policy.live ? t('federationPage.live') : null, c.policy.playbackHours ? t('federationPage.playback', { hours: c.policy.playbackHours }) : null, c.policy.analytics ? t('federationPage.analytics') : null].filter(Boolean).join(' · ')}</td>
              <td>{can('live.view') && c.policy.live && <button type="button" disabled={!purpose.trim()} onClick={() => setWatching(c.ref)}>{t('federationPage.watch')}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {watching && <RemoteLive cameraRef={watching} purpose={purpose} onClose={() => setWatching(null)} />}
      {can('search.run') && (
        <>
          <h2>{t('federationPage.search')}</h2>
          <form onSubmit={(e) => void search(e)} className="row">
            <label>{t('federationPage.plate')} <input value={plate} onChange={(e) => setPlate(e.target.value)} data-testid="federation-plate" required /></label>
            <label>{t('federationPage.caseRef')} <input value={caseRef} onChange={(e) => setCaseRef(e.target.value)} data-testid="federation-case" /></label>
            <button type="submit" disabled={searching}>{t('federationPage.searchButton')}</button>
          </form>
          {result && (
            <div data-testid="federation-result" data-partial={result.partial ? '1' : '0'}>
              {result.partial && <p className="warn">{t('federationPage.partial')}</p>}
              <ul data-testid="federation-sites">
                {result.sites.map((s) => (
                  <li key={s.site} data-site={s.site} data-state={s.state}>{t('federationPage.siteStatus', { site: s.site, state: t(`federationPage.stateValue.${s.state}`), results: s.results, ms: s.ms })}{s.message && <span className="muted"> — {s.message}</span>}</li>
                ))}
              </ul>
              <table className="table" data-testid="federation-sightings">
                <thead><tr><th>{t('federationPage.plate')}</th><th>{t('federationPage.camera')}</th><th>{t('federationPage.seen')}</th></tr></thead>
                <tbody>{result.items.map((s) => <tr key={s.id}><td>{s.plate}</td><td>{s.cameraRef}</td><td>{formatHkt(s.seenAt)}</td></tr>)}</tbody>
              </table>
            </div>
          )}
          <FederatedTrackSearch purpose={purpose} caseRef={caseRef} />
        </>
      )}
    </section>
  );
}
