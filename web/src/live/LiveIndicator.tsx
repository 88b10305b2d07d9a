import { useTranslation } from 'react-i18next';
import { useLive } from './live';

export function LiveIndicator() {
  const { t } = useTranslation();
  const { state, retryInSec } = useLive();
  const label =
    state === 'open'
      ? t('live.open')
      : state === 'connecting'
        ? t('live.connecting')
        : t('live.reconnecting', { seconds: retryInSec ?? 0 });
  return (
    <span className={`live live-${state}`} data-testid="live-state" data-state={state} title={label}>
      <span className="live-dot" aria-hidden="true" />
      <span className="live-label">{label}</span>
    </span>
  );
}
