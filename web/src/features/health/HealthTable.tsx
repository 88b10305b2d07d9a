import { useTranslation } from 'react-i18next';
import type { CursorPages } from '../../api/useCursorPages';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { formatBitrate, formatBytes, formatFps } from './format';
import type { CameraHealth } from './types';

interface Props {
  pages: CursorPages<CameraHealth>;
  nameOf(owner: string): string;
  /** Offer "reset reference" (the user holds camera.write). */
  canReset: boolean;
  resetting: string | null;
  onReset(cameraId: string): void;
}

const COLUMNS = 11;

export function HealthTable({ pages, nameOf, canReset, resetting, onReset }: Props) {
  const { t } = useTranslation();
  const { items, hasMore, loading, error, loadMore } = pages;
  return (
    <section className="card table-card">
      <div className="scroll">
        <table className="data health-table" data-testid="health-table">
          <thead>
            <tr>
              <th>{t('health.col.camera')}</th>
              <th>{t('health.col.owner')}</th>
              <th>{t('health.col.district')}</th>
              <th>{t('health.col.state')}</th>
              <th className="num">{t('health.col.fps')}</th>
              <th className="num">{t('health.col.bitrate')}</th>
              <th className="num">{t('health.col.reconnects')}</th>
              <th>{t('health.col.lastSegment')}</th>
              <th className="num">{t('health.col.storage')}</th>
              <th>{t('health.col.tamper')}</th>
              <th>
                <span className="sr-only">{t('health.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.cameraId} data-testid="health-row" data-id={c.cameraId} data-state={c.state}>
                <td>
                  <span className="mono">{c.cameraId}</span>
                  <br />
                  <span className="muted">{c.name}</span>
                </td>
                <td>{nameOf(c.owner)}</td>
                <td>{c.district}</td>
                <td>
                  <span className={`status status-${c.state}`}>{t(`health.states.${c.state}`, { defaultValue: c.state })}</span>
                  {c.lastError && (
                    <span className="error-line" title={c.lastError}>
                      {c.lastError}
                    </span>
                  )}
                </td>
                <td className="num">{formatFps(c.fps)}</td>
                <td className="num">{formatBitrate(c.bitrateBps)}</td>
                <td className="num">{c.reconnects}</td>
                <td className="nowrap">{formatHkt(c.lastSegmentAt)}</td>
                <td className="num">{formatBytes(c.storageBytes)}</td>
                <td data-testid="health-flags">
                  {c.tamper.flags.length === 0 && <span className="muted">{c.tamper.lastSampleAt === null ? '—' : t('health.tamper.none')}</span>}
                  {c.tamper.flags.map((f) => (
                    <span key={f} className="flag" title={t('health.tamper.since', { at: formatHkt(c.tamper.since[f]) })}>
                      {t(`health.flags.${f}`)}
                    </span>
                  ))}
                  {c.tamper.reference === null && c.tamper.referenceResetAt !== null && <span className="muted">{t('health.tamper.awaitingReference')}</span>}
                </td>
                <td>
                  {canReset && (
                    <button type="button" className="small" disabled={resetting === c.cameraId} onClick={() => onReset(c.cameraId)} title={t('health.reset.help')} data-testid="health-reset">
                      {t('health.reset.button')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {items.length === 0 && !loading && (
              <tr>
                <td colSpan={COLUMNS} className="empty">
                  {t('health.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span className="muted">{t('health.shown', { count: items.length })}</span>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
        {loading && <span className="muted">{t('common.loading')}</span>}
        {hasMore && !loading && (
          <button type="button" onClick={loadMore}>
            {t('common.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
