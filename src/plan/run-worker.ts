/** runPlan in a worker thread (see plan.worker.ts); errors come back as the same error classes. */
import { Worker } from 'node:worker_threads';
import { OperationalError, UserError } from '../core/errors';
import type { PlanInstance, PlanOptions, PlanResult } from './types';

type Reply = { ok: PlanResult } | { error: { app: boolean; code?: string; message: string; details?: Record<string, unknown>; status?: number; stack?: string } };

/**
 * SmartView runs its TypeScript through tsx, whose loader a worker does not inherit (and on Node 20
 * `--import tsx` in a worker's execArgv registers too late for its entry module): a tiny evaluated
 * bootstrap registers tsx, then imports the worker.
 */
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(new URL('./plan.worker.ts', import.meta.url).href)});`;

export function runPlanInWorker(inst: PlanInstance, options: PlanOptions, timeoutMs: number): Promise<PlanResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { inst, options } });
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    // HiGHS honours its own time limit; this only catches a worker that never answers.
    const timer = setTimeout(() => done(() => reject(new OperationalError('plan_timeout', `The planner did not finish within ${Math.round(timeoutMs / 1000)} s; try a shorter time limit or fewer layers`))), timeoutMs);
    worker.once('message', (msg: Reply) =>
      done(() => {
        if ('ok' in msg) return resolve(msg.ok);
        const e = msg.error;
        if (e.app && e.status && e.status < 500) reject(new UserError(e.code ?? 'plan_failed', e.message, e.details, e.status));
        else reject(Object.assign(new Error(`planner worker failed: ${e.message}`), { stack: e.stack }));
      }),
    );
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new Error(`planner worker exited with code ${code} before answering`))));
  });
}
