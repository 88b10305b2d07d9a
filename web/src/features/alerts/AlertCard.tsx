import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { HotlistInterceptLink } from './HotlistInterceptLink';
import { AlertActions } from './AlertActions';
import { AlertNotes } from './AlertNotes';
import { Snapshot } from './Snapshot';
import type { Alert, AlertWithNotes } from './types';
import { useAlertEvent } from './useAlertEvent';

interface Props {
  alert: Alert;
  canManage: boolean;
  fresh: boolean;
  onChanged(a: AlertWithNotes): void;
}

/** One alert: severity colour, snapshot, state, who handled it, link to the recording, actions and notes. */
export function AlertCard({ alert, canManage, fresh, onChanged }: Props) {
  const { t } = useTranslation();
  const event = useAlertEvent(alert.eventId);
  const [showNotes, setShowNotes] = useState(false);
  return (
    <li className={`alert-card alert-sev-${alert.severity} state-${alert.state}${fresh ? ' fresh' : ''}`} data-testid="alert-row" data-id={alert.id} data-state={alert.state} data-severity={alert.severity}>
      <Snapshot url={event?.snapshotUrl ?? null} alt={alert.title} />
      <div className="alert-body">
        <div className="alert-title">
          <span className={`sev sev-${alert.severity}`}>{t(`alerts.severities.${alert.severity}`)}</span>
          <strong>{alert.title}</strong>
          <span className={`status alert-state-${alert.state}`} data-testid="alert-state">
            {t(`alerts.states.${alert.state}`)}
          </span>
        </div>
        <div className="muted small">
          {formatHkt(alert.createdAt)} · <span className="mono">{alert.cameraId}</span> · {alert.district}
          {alert.acknowledgedBy && alert.acknowledgedAt !== null && <> · {t('alerts.ackedBy', { who: alert.acknowledgedBy, at: formatHkt(alert.acknowledgedAt) })}</>}
          {alert.closedBy && alert.closedAt !== null && <> · {t('alerts.closedBy', { who: alert.closedBy, at: formatHkt(alert.closedAt) })}</>}
        </div>
        <div className="alert-links">
          {event && (
            <a href={event.playbackUrl} data-testid="alert-playback">
              {t('alerts.openRecording')}
            </a>
          )}
          {event && <HotlistInterceptLink event={event} />}
          <button type="button" className="link" aria-expanded={showNotes} onClick={() => setShowNotes((s) => !s)}>
            {showNotes ? t('alerts.hideNotes') : t('alerts.showNotes')}
          </button>
        </div>
        {showNotes && <AlertNotes alertId={alert.id} updatedAt={alert.updatedAt} />}
        {canManage && <AlertActions alert={alert} onChanged={onChanged} />}
      </div>
    </li>
  );
}
