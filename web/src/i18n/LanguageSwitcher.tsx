import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from './index';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((l) => l.code === i18n.resolvedLanguage)?.code ?? 'en';
  return (
    <label className="lang-switcher">
      <span className="sr-only">{t('common.language')}</span>
      <select
        data-testid="language-switcher"
        value={current}
        onChange={(e) => setLanguage(e.target.value as Language)}
        aria-label={t('common.language')}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
