import { useTranslation } from 'react-i18next';

export function SearchPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('searchPage.title')}</h1>
    </section>
  );
}
