import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import type { Timeline } from './api';
import type { AnalyticsEvent } from '../alerts/types';
import '../alerts/alerts.css';

interface Props {
  timeline: Timeline | null;
  fromMs: number;
  toMs: number;
  cursorMs: number | null;
  onSeek(ms: number): void;
  /** Analytics events in the window, drawn as markers (severity colour); click one to go to it. */
  events?: readonly AnalyticsEvent[];
}

const TICKS = 4;

/** Recorded ranges (green) and gaps (red) of one camera across the window; click to go to a time. */
export function TimelineBar({ timeline, fromMs, toMs, cursorMs, onSeek, events = [] }: Props) {
  const { t } = useTranslation();
  const span = toMs - fromMs;
  const pct = (ms: number) => `${(Math.min(Math.max(ms - fromMs, 0), span) / span) * 100}%`;
  const width = (a: number, b: number) => `${((Math.min(b, toMs) - Math.max(a, fromMs)) / span) * 100}%`;
  const click = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    onSeek(fromMs + ((e.clientX - box.left) / box.width) * span);
  };
  const ticks = Array.from({ length: TICKS + 1 }, (_, i) => fromMs + (span * i) / TICKS);
  return (
    <div className="timeline-wrap">
      <div
        className="timeline"
        data-testid="timeline"
        data-ranges={timeline?.ranges.length ?? 0}
        data-gaps={timeline?.gaps.length ?? 0}
        onClick={click}
        role="slider"
        aria-label={t('playback.timelineLabel')}
        aria-valuemin={fromMs}
        aria-valuemax={toMs}
        aria-valuenow={cursorMs ?? fromMs}
        aria-valuetext={cursorMs ? formatHkt(cursorMs) : undefined}
        tabIndex={0}
      >
        {timeline?.ranges.map((r) => (
          <div key={`r${r.startMs}`} className="tl-range" data-testid="timeline-range" style={{ left: pct(r.startMs), width: width(r.startMs, r.endMs) }} title={`${t('playback.recorded')}: ${formatHkt(r.startMs)} – ${formatHkt(r.endMs)}`} />
        ))}
        {timeline?.gaps.map((g) => (
          <div key={`g${g.startMs}`} className="tl-gap" data-testid="timeline-gap" style={{ left: pct(g.startMs), width: width(g.startMs, g.endMs) }} title={`${t('playback.gap', { reason: g.reason })}: ${formatHkt(g.startMs)} – ${formatHkt(g.endMs)}`} />
        ))}
        {events.map((e) => (
          <button
            key={e.id}
            type="button"
            className={`tl-event sev-${e.severity}`}
            data-testid="timeline-event"
            style={{ left: pct(e.startedAt) }}
            title={t('events.timeline.marker', { time: formatHkt(e.startedAt).slice(11, 19), what: e.ruleName ? `${e.ruleName}: ${e.label}` : `${e.type} ${e.label}` })}
            aria-label={t('events.timeline.marker', { time: formatHkt(e.startedAt).slice(11, 19), what: e.ruleName ? `${e.ruleName}: ${e.label}` : `${e.type} ${e.label}` })}
            onClick={(ev) => {
              ev.stopPropagation();
              onSeek(e.startedAt);
            }}
          />
        ))}
        {cursorMs !== null && cursorMs >= fromMs && cursorMs <= toMs && <div className="tl-cursor" style={{ left: pct(cursorMs) }} />}
      </div>
      <div className="tl-ticks muted" aria-hidden="true">
        {ticks.map((ms) => (
          <span key={ms}>{formatHkt(ms).slice(11, 19)}</span>
        ))}
      </div>
    </div>
  );
}
