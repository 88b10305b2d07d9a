import { useTranslation } from 'react-i18next';

export function AuditReviewTab() {
  const { t } = useTranslation();
  return <h2>{t('governancePage.tabs.review')}</h2>;
}
