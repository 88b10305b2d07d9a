import { useTranslation } from 'react-i18next';

export function PrivacyTab() {
  const { t } = useTranslation();
  return <h2>{t('privacyPage.title')}</h2>;
}
