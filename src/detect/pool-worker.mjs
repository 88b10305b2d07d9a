// Entry of a detector worker thread. Module hooks registered with module.register() (bin/smartview.mjs) are
// not inherited by worker threads, so the worker registers tsx itself before loading its TypeScript body.
// (When the parent runs with `--import tsx`, workers inherit that flag too; registering again is harmless.)
import { register } from 'tsx/esm/api';

register();
await import('./pool-worker.ts');
