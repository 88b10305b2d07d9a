import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import type { CameraPages } from './useCameraPages';

interface Props {
  pages: CameraPages;
  selectedId: string | null;
  nameOf(owner: string): string;
  colorOf(owner: string): string;
  onSelect(id: string): void;
}

export function CameraTable({ pages, selectedId, nameOf, colorOf, onSelect }: Props) {
  const { t } = useTranslation();
  const { items, hasMore, loading, error, loadMore } = pages;
  return (
    <section className="card table-card">
      <table className="data" data-testid="camera-table">
        <thead>
          <tr>
            <th>{t('camera.id')}</th>
            <th>{t('camera.name')}</th>
            <th>{t('camera.owner')}</th>
            <th>{t('camera.district')}</th>
            <th>{t('camera.status')}</th>
            <th>{t('camera.tags')}</th>
            <th>{t('camera.updatedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr
              key={c.id}
              data-testid="camera-row"
              data-id={c.id}
              className={c.id === selectedId ? 'selected' : undefined}
              onClick={() => onSelect(c.id)}
              tabIndex={0}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelect(c.id);
              }}
            >
              <td className="mono">{c.id}</td>
              <td>{c.name}</td>
              <td>
                <span className="swatch" style={{ background: colorOf(c.owner) }} aria-hidden="true" />
                {nameOf(c.owner)}
              </td>
              <td>{c.location.district}</td>
              <td>
                <span className={`status status-${c.status}`}>{t(`camera.statuses.${c.status}`)}</span>
              </td>
              <td>{c.tags.join(', ')}</td>
              <td className="nowrap">{formatHkt(c.updatedAt)}</td>
            </tr>
          ))}
          {items.length === 0 && !loading && (
            <tr>
              <td colSpan={7} className="empty">
                {t('cameras.table.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="table-foot">
        <span className="muted" data-testid="camera-table-count">
          {t('cameras.table.shown', { count: items.length })}
        </span>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
        {loading && <span className="muted">{t('common.loading')}</span>}
        {hasMore && !loading && (
          <button type="button" onClick={loadMore} data-testid="camera-load-more">
            {t('common.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
