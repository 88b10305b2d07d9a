import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditQuery } from '../../api/types';
import { useAuth } from '../../app/auth';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { useAuditPages } from './useAuditPages';
import { VerifyPanel } from './VerifyPanel';

/** The auditor's view of the tamper-evident audit trail. Times in Hong Kong time. */
export function AuditPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [query, setQuery] = useState<AuditQuery>({});
  const pages = useAuditPages(query);
  return (
    <div className="audit-page">
      <div className="toolbar">
        <h1>{t('audit.title')}</h1>
        <div className="toolbar-actions">
          <button type="button" onClick={pages.reload}>
            {t('common.refresh')}
          </button>
          {can('audit.verify') && <VerifyPanel />}
        </div>
      </div>
      <AuditFilters onApply={setQuery} />
      <AuditTable pages={pages} />
    </div>
  );
}
