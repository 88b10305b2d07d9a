import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { BBox } from '../../api/types';
import { useAuth } from '../../app/auth';
import { useSite } from '../../app/site';
import { useCameraEvents } from '../../live/live';
import { CameraDetail } from './CameraDetail';
import { CameraFilters } from './CameraFilters';
import { CameraTable } from './CameraTable';
import { EMPTY_FILTERS, useDebounced, type CameraFilterValues } from './filters';
import { ImportDialog } from './ImportDialog';
import { RemoteCameraTable, remoteHref, useRemoteCameras } from '../federation/RemoteCameras';
import { CameraMap } from './map/CameraMap';
import { sameBBox } from './map/bbox';
import { MapOverlay } from './MapOverlay';
import { useOrganisations } from './organisations';
import { useCameraPages } from './useCameraPages';
import { useMapCameras } from './useMapCameras';

export function CamerasPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { site, loaded } = useSite();
  const orgs = useOrganisations();
  const [filters, setFilters] = useState<CameraFilterValues>(EMPTY_FILTERS);
  const [bbox, setBBox] = useState<BBox | null>(null);
  const [revision, setRevision] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [importOpen, setImportOpen] = useState(false);

  const bump = useCallback(() => setRevision((r) => r + 1), []);
  useCameraEvents(bump);

  const f = useDebounced(filters, 250);
  const filter = useMemo(() => ({ q: f.q, owner: f.owner, district: f.district, tag: f.tag }), [f.q, f.owner, f.district, f.tag]);
  const mapState = useMapCameras(bbox, filter, revision);
  const tableQuery = useMemo(() => ({ ...filter, bbox: f.onlyMap && bbox ? bbox : undefined }), [filter, f.onlyMap, bbox]);
  const pages = useCameraPages(tableQuery, revision);
  const remoteCams = useRemoteCameras();
  const remoteMarkers = useMemo(() => remoteCams.map((c) => ({ ...c, href: remoteHref(c.ref) })), [remoteCams]);

  const onBounds = useCallback((b: BBox) => setBBox((prev) => (sameBBox(prev, b) ? prev : b)), []);
  const closeImport = useCallback(() => setImportOpen(false), []);

  return (
    <div className={`cameras-page${selectedId ? ' with-detail' : ''}`}>
      <div className="toolbar">
        <h1>{t('cameras.title')}</h1>
        <div className="toolbar-actions">
          {can('camera.import') && (
            <button type="button" className="primary" onClick={() => setImportOpen(true)} data-testid="open-import">
              {t('import.open')}
            </button>
          )}
          {can('camera.export') && (
            <>
              <a className="button" href={api.exportUrl('csv')} download data-testid="export-csv">
                {t('cameras.exportCsv')}
              </a>
              <a className="button" href={api.exportUrl('geojson')} download data-testid="export-geojson">
                {t('cameras.exportGeojson')}
              </a>
            </>
          )}
        </div>
      </div>
      <div className="cameras-main">
        <CameraFilters value={filters} organisations={orgs.items} onChange={setFilters} />
        {loaded ? (
          <CameraMap
            map={site.map}
            cameras={mapState.cameras}
            selectedId={selectedId}
            colorOf={orgs.colorOf}
            nameOf={orgs.nameOf}
            onBounds={onBounds}
            onSelect={setSelectedId}
            remote={remoteMarkers}
          >
            <MapOverlay state={mapState} colorOf={orgs.colorOf} nameOf={orgs.nameOf} />
          </CameraMap>
        ) : (
          <div className="map-wrap placeholder">{t('common.loading')}</div>
        )}
        <CameraTable pages={pages} selectedId={selectedId} nameOf={orgs.nameOf} colorOf={orgs.colorOf} onSelect={setSelectedId} />
        <RemoteCameraTable items={remoteCams} />
      </div>
      {selectedId && <CameraDetail id={selectedId} revision={revision} nameOf={orgs.nameOf} onClose={() => setSelectedId(null)} />}
      {importOpen && <ImportDialog onClose={closeImport} onImported={bump} />}
    </div>
  );
}
