import { SEVERITIES, type Alert, type AlertFilterValues, type Severity } from './types';
import { parseHktLocal } from '../../time/format';

export function severityRank(s: string): number {
  return SEVERITIES.indexOf(s as Severity);
}

/** Whether an alert belongs in a list with these filters (for alerts arriving over the live socket). */
export function matchesAlertFilters(a: Alert, f: AlertFilterValues): boolean {
  if (f.state === 'active' ? a.state === 'closed' : f.state !== '' && a.state !== f.state) return false;
  if (f.severity !== '' && severityRank(a.severity) < severityRank(f.severity)) return false;
  if (f.camera.trim() !== '' && a.cameraId !== f.camera.trim()) return false;
  const from = f.from ? parseHktLocal(f.from) : null;
  const to = f.to ? parseHktLocal(f.to) : null;
  if (from !== null && a.createdAt < from) return false;
  if (to !== null && a.createdAt >= to) return false;
  return true;
}
