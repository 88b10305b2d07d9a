import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { clusterApi, type ClusterLease, type ClusterNode } from './clusterApi';

const REFRESH_MS = 3000;

/** The cluster view (#11): nodes with roles, load, heartbeat age, clock skew and version; the cameras a node holds. */
export function ClusterPage() {
  const { t } = useTranslation();
  const [nodes, setNodes] = useState<ClusterNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [leases, setLeases] = useState<ClusterLease[] | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const r = await clusterApi.nodes(signal);
      setNodes(r.nodes);
      setError(null);
      if (selected) setLeases((await clusterApi.leases(selected, signal)).leases);
    } catch (err) {
      if (!signal?.aborted) setError(errorText(t, err));
    }
  }, [selected, t]);

  useEffect(() => {
    const ac = new AbortController();
    void load(ac.signal);
    const timer = setInterval(() => void load(ac.signal), REFRESH_MS);
    return () => {
      ac.abort();
      clearInterval(timer);
    };
  }, [load]);

  return (
    <section className="page cluster-page" data-testid="cluster-page">
      <h1>{t('clusterPage.title')}</h1>
      <p className="muted">{t('clusterPage.intro')}</p>
      {error && <p className="error" role="alert">{t('clusterPage.error', { message: error })}</p>}
      <h2>{t('clusterPage.nodes')}</h2>
      {nodes === null ? (
        <p>{t('clusterPage.loading')}</p>
      ) : nodes.length === 0 ? (
        <p data-testid="cluster-empty">{t('clusterPage.noNodes')}</p>
      ) : (
        <table className="table" data-testid="cluster-nodes">
          <thead>
            <tr>
              <th>{t('clusterPage.node')}</th>
              <th>{t('clusterPage.status')}</th>
              <th>{t('clusterPage.roles')}</th>
              <th>{t('clusterPage.load')}</th>
              <th>{t('clusterPage.heartbeat')}</th>
              <th>{t('clusterPage.skew')}</th>
              <th>{t('clusterPage.version')}</th>
              <th>{t('clusterPage.host')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.nodeId} data-testid={`cluster-node-${n.nodeId}`} data-status={n.status}>
                <td>{n.nodeId}</td>
                <td>{t(`clusterPage.statusValue.${n.status}`)}</td>
                <td>{n.roles.join(', ')}</td>
                <td data-testid="cluster-load">
                  {t('clusterPage.loadValue', { recorder: n.load.recorder ?? 0, recorderCap: n.capacity.recorder, analytics: n.load.analytics ?? 0, analyticsCap: n.capacity.analytics })}
                </td>
                <td title={formatHkt(n.heartbeatAt)}>{t('clusterPage.heartbeatAge', { seconds: (n.heartbeatAgeMs / 1000).toFixed(1) })}</td>
                <td className={n.clockSkewOk ? '' : 'error'} data-testid="cluster-skew">
                  {t('clusterPage.skewValue', { ms: n.clockSkewMs })}
                  {!n.clockSkewOk && <> — {t('clusterPage.skewBad')}</>}
                </td>
                <td>{n.version}</td>
                <td>{n.host}</td>
                <td>
                  <button type="button" onClick={() => { setSelected(n.nodeId); setLeases(null); }} data-testid={`cluster-show-${n.nodeId}`}>
                    {t('clusterPage.show')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <>
          <h2>{t('clusterPage.leasesOf', { node: selected })}</h2>
          {leases === null ? (
            <p>{t('clusterPage.loading')}</p>
          ) : leases.length === 0 ? (
            <p>{t('clusterPage.noLeases')}</p>
          ) : (
            <table className="table" data-testid="cluster-leases">
              <thead>
                <tr>
                  <th>{t('clusterPage.camera')}</th>
                  <th>{t('clusterPage.role')}</th>
                  <th>{t('clusterPage.epoch')}</th>
                  <th>{t('clusterPage.since')}</th>
                </tr>
              </thead>
              <tbody>
                {leases.map((l) => (
                  <tr key={`${l.role}-${l.cameraId}`} data-testid="cluster-lease">
                    <td>{l.cameraId}</td>
                    <td>{l.role}</td>
                    <td>{l.epoch}</td>
                    <td>{formatHkt(l.acquiredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
