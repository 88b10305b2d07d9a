import type { ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

/**
 * A modal dialog: overlay (click outside closes), title and close button. Rendered into
 * document.body so it is never clipped or stacked under what opened it.
 */
export function Dialog(props: { id: string; title: string; testId: string; onClose(): void; children: ReactNode }) {
  const { t } = useTranslation();
  const { id, title, testId, onClose, children } = props;
  return createPortal(
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} data-testid={testId}>
        <header className="detail-head">
          <h2 id={`${id}-title`}>{title}</h2>
          <button type="button" className="icon" onClick={onClose} aria-label={t('common.close')} title={t('common.close')}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>,
    document.body,
  );
}
