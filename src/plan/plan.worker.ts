/**
 * Runs one plan off the API's event loop: HiGHS and the coverage model are synchronous and may
 * take a minute, which would freeze every other request and live stream of the process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../core/errors';
import { runPlan } from './plan';
import type { PlanInstance, PlanOptions } from './types';

const { inst, options } = workerData as { inst: PlanInstance; options: PlanOptions };
try {
  parentPort!.postMessage({ ok: await runPlan(inst, options) });
} catch (err) {
  parentPort!.postMessage({
    error: isAppError(err)
      ? { app: true, code: err.code, message: err.message, details: err.details, status: err.status }
      : { app: false, message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined },
  });
}
