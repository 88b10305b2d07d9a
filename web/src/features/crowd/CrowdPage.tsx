import { useTranslation } from 'react-i18next';

export function CrowdPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('crowdPage.title')}</h1>
    </section>
  );
}
