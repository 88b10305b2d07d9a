import type { GroupCommitStats } from '../audit/group-commit';
import type { BulkWriterStats } from '../metadata/bulk-writer';
import type { SinkColumn } from '../metadata/table-sink';
import type { SimKind } from './rates';
import type { SynthCamera } from './rows';

/** What the coordinator hands a simulator node (one JSON argument). */
export interface NodeSpec {
  node: string;
  postgresUrl: string;
  natsServers: string[];
  stream: string;
  subjectPrefix: string;
  cameras: SynthCamera[];
  /** rows/s this node produces per kind */
  rates: Record<SimKind, number>;
  durationMs: number;
  seed: number;
  vehicles: number;
}

/** The bus message a node publishes after each committed batch. */
export interface BatchNotice {
  node: string;
  kind: SimKind;
  rows: number;
  oldestProducedAt: number;
  storedAt: number;
}

/** A node's final report (one JSON line on its stdout). */
export interface NodeResult {
  node: string;
  produced: Record<SimKind, number>;
  seconds: number;
  storeLagMs: Record<string, number[]>;
  busFailed: number;
  writers: Record<string, BulkWriterStats>;
  /** The node's audit group commit: records committed, transactions, failed, largest batch. */
  audit?: GroupCommitStats;
}

const T = (name: string): SinkColumn => ({ name, pgType: 'text' });
const B = (name: string): SinkColumn => ({ name, pgType: 'bigint' });
const I = (name: string): SinkColumn => ({ name, pgType: 'integer' });

/** segments index rows (the id is the table's serial). */
export const SEGMENT_COLUMNS: SinkColumn[] = [T('camera_id'), T('node'), T('storage'), T('path'), B('start_ms'), B('end_ms'), B('bytes'), T('codec'), I('width'), I('height'), T('keyframes'), T('sha256'), T('status'), B('created_at')];

let seq = 0;
/** A synthetic 10-second segment index row (no file: the simulator measures the metadata path). */
export function segmentRow(node: string, cam: SynthCamera, at: number): Record<string, unknown> {
  seq++;
  return {
    camera_id: cam.id, node, storage: 'sim', path: `${cam.id}/${at}-${node}-${seq}.ts`, start_ms: at - 10_000, end_ms: at, bytes: 2_500_000, codec: 'h264', width: 1920, height: 1080,
    keyframes: '[0,2000,4000,6000,8000]', sha256: '0'.repeat(64), status: 'ok', created_at: at,
  };
}
