import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhHant } from './zh-Hant';

/** Every user-visible string goes through t(). English and Traditional Chinese; the choice is remembered. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-Hant', label: '繁體中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'smartview.lang';

function isLanguage(v: string | null): v is Language {
  return LANGUAGES.some((l) => l.code === v);
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch (err) {
    console.warn('localStorage is not available; the language choice will not be remembered', err);
    return null;
  }
}

function initialLanguage(): Language {
  const stored = readStored();
  if (isLanguage(stored)) return stored;
  const nav = (navigator.languages ?? [navigator.language]).map((l) => l.toLowerCase());
  return nav.some((l) => l.startsWith('zh')) ? 'zh-Hant' : 'en';
}

export function setLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch (err) {
    console.warn('Could not remember the language choice', err);
  }
  void i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.name');
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export default i18n;
