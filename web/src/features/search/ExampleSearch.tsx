import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fileToBase64 } from './searchApi';

/** Search by example from a picture: the largest person or vehicle in it (or the whole picture, when it is already a crop). */
export function ExampleSearch({ disabled, busy, onImage }: { disabled: boolean; busy: boolean; onImage(base64: string, isCrop: boolean, name: string): void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [isCrop, setIsCrop] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    if (!file) return;
    setError(null);
    try {
      onImage(await fileToBase64(file), isCrop, file.name);
    } catch (err) {
      console.error('The picture could not be read', err);
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="card search-example" data-testid="example-search">
      <h2>{t('searchPage.example.title')}</h2>
      <p className="muted small">{t('searchPage.example.help')}</p>
      <fieldset disabled={disabled} className="form-inline">
        <input type="file" accept="image/jpeg,image/png" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label={t('searchPage.example.file')} data-testid="example-file" />
        <label className="check">
          <input type="checkbox" checked={isCrop} onChange={(e) => setIsCrop(e.target.checked)} data-testid="example-is-crop" />
          {t('searchPage.example.isCrop')}
        </label>
        <button type="button" className="primary" disabled={!file || busy} onClick={() => void go()} data-testid="example-run">
          {t('searchPage.example.run')}
        </button>
      </fieldset>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
