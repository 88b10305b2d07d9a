import { useTranslation } from 'react-i18next';

export function AccountPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('securityPage.title')}</h1>
    </section>
  );
}
