import { useTranslation } from 'react-i18next';

export function TransparencyTab() {
  const { t } = useTranslation();
  return <h2>{t('governancePage.tabs.report')}</h2>;
}
