/** Problems found while reading planner inputs: every one reported, nothing half-loaded. */
import { UserError } from '../../core/errors';

export interface RowProblem {
  /** The file or layer the row came from. */
  source: string;
  /** Spreadsheet row (header = 1) for CSV, feature number (from 1) for GeoJSON. */
  row: number;
  id: string | null;
  errors: string[];
}

export class InputReport {
  readonly rejected: RowProblem[] = [];
  readonly fileErrors: string[] = [];

  row(source: string, row: number, id: string | null, errors: string[]): void {
    if (errors.length) this.rejected.push({ source, row, id, errors });
  }

  file(source: string, message: string): void {
    this.fileErrors.push(`${source}: ${message}`);
  }

  get ok(): boolean {
    return this.rejected.length === 0 && this.fileErrors.length === 0;
  }

  /** Throws when anything was wrong (HTTP 422 'plan_input_rejected', listing every problem). */
  throwIfAny(): void {
    if (this.ok) return;
    const parts = [...this.fileErrors];
    if (this.rejected.length) parts.push(`${this.rejected.length} row${this.rejected.length > 1 ? 's' : ''} rejected`);
    throw new UserError(
      'plan_input_rejected',
      `The planner inputs were not loaded: ${parts.join('; ')}. Fix the files and rows listed and run again.`,
      { fileErrors: this.fileErrors, rejected: this.rejected.slice(0, 1000), totalRejected: this.rejected.length },
      422,
    );
  }
}

/** Rows with an id seen before get an error naming the first row. */
export function markDuplicates(items: Array<{ id: string | null; row: number; errors: string[] }>): void {
  const first = new Map<string, number>();
  for (const it of items) {
    if (it.id === null) continue;
    const prev = first.get(it.id);
    if (prev !== undefined) it.errors.push(`id: '${it.id}' is a duplicate (first used in row ${prev})`);
    else first.set(it.id, it.row);
  }
}

/** [minLon, minLat, maxLon, maxLat] */
export type Area = [number, number, number, number];

/** Errors for a coordinate pair: out of range, or outside the planning area. */
export function checkLatLon(lat: number, lon: number, area: Area | null): string[] {
  const errors: string[] = [];
  if (!(lat >= -90 && lat <= 90)) errors.push(`lat: must be a number between -90 and 90`);
  if (!(lon >= -180 && lon <= 180)) errors.push(`lon: must be a number between -180 and 180`);
  if (!errors.length && area && (lon < area[0] || lon > area[2] || lat < area[1] || lat > area[3])) {
    errors.push(`position ${lat}, ${lon} is outside the planning area (lon ${area[0]}…${area[2]}, lat ${area[1]}…${area[3]})`);
  }
  return errors;
}
