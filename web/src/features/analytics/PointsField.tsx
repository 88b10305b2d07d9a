import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPoints, parsePoints } from './geometry';
import type { Pt } from './types';

interface Props {
  id: string;
  points: Pt[];
  error?: string;
  onChange(points: Pt[]): void;
}

/** The drawn points as text ("x,y x,y …", normalised): a keyboard way to draw, and an exact way to adjust. */
export function PointsField({ id, points, error, onChange }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => formatPoints(points));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    // Follow clicks and drags on the picture unless the text already says the same.
    const parsed = parsePoints(text);
    if (!parsed || formatPoints(parsed) !== formatPoints(points)) {
      setText(formatPoints(points));
      setBad(false);
    }
  }, [points]);
  const edit = (v: string) => {
    setText(v);
    const parsed = parsePoints(v);
    setBad(parsed === null);
    if (parsed) onChange(parsed);
  };
  return (
    <div className="field-row">
      <label htmlFor={id}>{t('analytics.rule.points')}</label>
      <input id={id} className="mono" value={text} onChange={(e) => edit(e.target.value)} aria-invalid={bad || !!error} aria-describedby={`${id}-help`} data-testid="points-field" />
      <small id={`${id}-help`} className={bad || error ? 'error' : 'muted'}>
        {bad ? t('analytics.rule.pointsBad') : (error ?? t('analytics.rule.pointsHelp'))}
      </small>
    </div>
  );
}
