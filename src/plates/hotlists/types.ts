import type { EpochMs } from '../../core/time';

/** Entry priority = the severity of the alert a match raises. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Hotlist {
  id: string;
  name: string;
  /** Organisation that owns the list (scope of 'hotlist.manage'). */
  owner: string;
  description: string;
  createdBy: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  entries: number;
}

export interface HotlistInput {
  name: string;
  owner: string;
  description?: string;
}

export interface HotlistEntry {
  id: string;
  hotlistId: string;
  plate: string;
  plateKey: string;
  reason: string;
  priority: Priority;
  /** Also match reads one edit away (over confusable-folded keys); exact = the same folded key. */
  fuzzy: boolean;
  validFrom: EpochMs | null;
  validTo: EpochMs | null;
  caseRef: string | null;
  addedBy: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface EntryInput {
  plate: string;
  reason: string;
  priority?: Priority;
  fuzzy?: boolean;
  validFrom?: EpochMs | null;
  validTo?: EpochMs | null;
  caseRef?: string | null;
}

/** An entry as the in-memory matcher holds it. */
export interface ActiveEntry {
  id: string;
  hotlistId: string;
  hotlistName: string;
  owner: string;
  plate: string;
  plateKey: string;
  reason: string;
  priority: Priority;
  fuzzy: boolean;
  validFrom: EpochMs | null;
  validTo: EpochMs | null;
  caseRef: string | null;
}

export interface HotlistMatch {
  entry: ActiveEntry;
  /** exact = same folded key; fuzzy = one edit away. */
  kind: 'exact' | 'fuzzy';
}

/** One rejected CSV row (the shape src/cli/output.ts `fail` prints). */
export interface RejectedRow {
  row: number;
  id: string | null;
  errors: string[];
}
