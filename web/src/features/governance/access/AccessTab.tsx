import { useTranslation } from 'react-i18next';

export function AccessTab() {
  const { t } = useTranslation();
  return <h2>{t('governancePage.tabs.access')}</h2>;
}
