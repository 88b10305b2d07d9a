/** Peer sites' cameras beside the local ones on the Cameras page (#10): marked by owner site, never merged. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { hrefFor } from '../../app/router';
import { federationApi, type RemoteCamera } from './federationApi';

/** The link of a remote camera: the Federation page, where its live view and playback go through the owner. */
export const remoteHref = (ref: string): string => hrefFor('federation', { cam: ref });

/** Remote cameras for camera.read users; [] when no peer is configured or the call fails (the page is unchanged). */
export function useRemoteCameras(): RemoteCamera[] {
  const { can } = useAuth();
  const allowed = can('camera.read');
  const [items, setItems] = useState<RemoteCamera[]>([]);
  useEffect(() => {
    if (!allowed) return;
    const ac = new AbortController();
    federationApi.cameras(ac.signal).then(
      (r) => setItems(r.items),
      (err: unknown) => {
        if (!isAbort(err)) console.warn('Remote cameras unavailable', err);
      },
    );
    return () => ac.abort();
  }, [allowed]);
  return items;
}

/** A card listing the remote cameras (nothing at all when there are none). */
export function RemoteCameraTable({ items }: { items: RemoteCamera[] }) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <section className="card table-card">
      <table className="data" data-testid="remote-camera-table">
        <caption>{t('federationPage.remoteCameras')}</caption>
        <thead>
          <tr><th>{t('federationPage.camera')}</th><th>{t('federationPage.owner')}</th><th>{t('federationPage.state')}</th></tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.ref} data-testid="remote-camera-row" data-ref={c.ref} data-stale={c.stale ? '1' : '0'}>
              <td><a href={remoteHref(c.ref)}>{c.name}</a> <span className="mono muted">{c.ref}</span></td>
              <td><span className="badge" data-testid="remote-owner-badge">{t('federationPage.ownerValue', { site: c.site, owner: c.owner })}</span></td>
              <td>{c.stale ? <span className="badge warn">{t('federationPage.stale')}</span> : t('federationPage.stateValue.ok')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
