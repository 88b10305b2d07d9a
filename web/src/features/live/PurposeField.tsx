import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Why the video is watched, recorded in the audit trail; applied on Enter or when the field is left. */
export function PurposeField({ value, onCommit }: { value: string; onCommit(v: string): void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <label className="purpose">
      {t('video.purpose')}
      <input
        type="text"
        value={draft}
        maxLength={200}
        placeholder={t('video.purposePlaceholder')}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        data-testid="purpose"
      />
    </label>
  );
}
