import { useTranslation } from 'react-i18next';

export function RegisterTab() {
  const { t } = useTranslation();
  return <h2>{t('governancePage.tabs.register')}</h2>;
}
