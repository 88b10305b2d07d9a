import path from 'node:path';
import { errorMessage } from '../core/errors';
import { CredentialRepository } from '../auth/credential.repository';
import { MetadataMaintenance } from '../metadata/maintenance';
import type { SmartView } from './app';

/** Periodic housekeeping of the `scheduler` role: expired sessions, closing audit partitions. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  constructor(private readonly sv: SmartView) {}

  start(): void {
    this.every(10 * 60_000, 'sessions.cleanup', async () => {
      await new CredentialRepository(this.sv.store.db).deleteExpiredSessions(Date.now());
    });
    // Measured fps, bitrate and storage of every camera (src/health), for lists and the health page.
    this.every(this.sv.config.health.refreshIntervalMs, 'health.refresh', async () => {
      await this.sv.health.refreshMeasurements();
    });
    this.every(5 * 60_000, 'audit.seal', async () => {
      await this.sv.audit.seal();
    });
    // Audit partitions past their retention are written to <dataDir>/audit-archive (with their
    // signed checkpoint, verifiable on their own) and only then dropped from the database.
    this.every(24 * 3_600_000, 'audit.archive', async () => {
      const log = this.sv.audit.log;
      const r = await log.archive(this.sv.store.db, log.retentionCutoff(this.sv.config.audit.retentionDays), path.join(this.sv.config.dataDir, 'audit-archive'));
      if (r.archived.length) this.sv.log.info({ archived: r.archived.map((a) => a.chain) }, 'audit partitions archived after their retention');
    });
    // Event snapshots (JPEG thumbnails) older than analytics.delivery.snapshotRetentionDays.
    this.every(24 * 3_600_000, 'analytics.snapshots.prune', async () => {
      await this.sv.eventSink.pruneSnapshots();
    });
    // Crowd time series and count-calibration samples past their retention (src/crowd, crowd.*RetentionDays).
    this.every(3_600_000, 'crowd.retention', async () => {
      await this.sv.crowd.prune();
    });
    // PostgreSQL: the monthly partitions of plate_sightings, two months ahead (src/plates/sightings).
    this.every(24 * 3_600_000, 'plates.partitions', async () => {
      await this.sv.plates.sightings.ensurePartitionsAhead();
    });
    // PostgreSQL: the monthly partitions of search_tracks, two months ahead (src/search/partitions.ts).
    this.every(24 * 3_600_000, 'search.partitions', async () => {
      await this.sv.forensic.partitions.ensureAhead(Date.now());
    });
    // Metadata at scale (src/metadata): partitions of events/tracks/sightings/audit created ahead, and expired
    // months dropped by each kind's retention (metadata.retention; audit only once its chains are archived).
    const m = this.sv.config.metadata;
    const maintenance = new MetadataMaintenance(this.sv.store, { ...m.retention, auditDays: this.sv.config.audit.retentionDays }, this.sv.log, m.partitionsAhead);
    this.every(m.maintenanceIntervalMs, 'metadata.partitions', async () => {
      await maintenance.ensureAhead(Date.now());
      await maintenance.expire(Date.now());
    });
    // The ANN (HNSW) index of yesterday, once the day is closed; built in a worker thread (src/search/ann).
    this.every(24 * 3_600_000, 'search.ann', async () => {
      await this.sv.forensic.buildAnnDay(Date.now() - 86_400_000);
    });
  }

  private every(ms: number, name: string, fn: () => Promise<void>): void {
    const run = () => fn().catch((err: unknown) => this.sv.log.warn({ task: name, err: errorMessage(err) }, 'scheduled task failed; it runs again later'));
    const t = setInterval(run, ms);
    t.unref();
    this.timers.push(t);
    setTimeout(run, 1000).unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
