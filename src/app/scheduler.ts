import { errorMessage } from '../core/errors';
import { CredentialRepository } from '../auth/credential.repository';
import type { SmartView } from './app';

/** Periodic housekeeping of the `scheduler` role: expired sessions, closing audit partitions. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  constructor(private readonly sv: SmartView) {}

  start(): void {
    this.every(10 * 60_000, 'sessions.cleanup', async () => {
      await new CredentialRepository(this.sv.store.db).deleteExpiredSessions(Date.now());
    });
    this.every(5 * 60_000, 'audit.seal', async () => {
      await this.sv.audit.seal();
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
