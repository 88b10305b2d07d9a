import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { keysDir } from '../../app/app';
import { loadConfig } from '../../config/load';
import { UserError } from '../../core/errors';
import type { ExportView } from '../../evidence/export.service';
import { trustFrom } from '../../evidence/trust';
import { verifyBundle, type VerifyReport } from '../../evidence/verify';
import { ApiClient } from '../client';
import { printJsonLine, printLine, progress, warn } from '../output';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** An ISO 8601 time WITH its zone (Z or ±hh:mm): a bare local time would be ambiguous in evidence. */
export function parseIsoWithZone(flag: string, v: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    throw new UserError('bad_time', `${flag}: expected an ISO 8601 time with its zone, e.g. 2026-03-02T09:00:00+08:00 or 2026-03-02T01:00:00Z; got '${v}'`);
  }
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new UserError('bad_time', `${flag}: '${v}' is not a valid time`);
  return ms;
}

function printReport(r: VerifyReport): void {
  printLine(`bundle:    ${r.bundle}`);
  if (r.exportId) printLine(`export:    ${r.exportId} of site ${r.siteId}, case ${r.caseRef}, created ${r.createdAt}`);
  if (r.signature.keyId) {
    printLine(`signature: ${r.signature.valid ? 'valid' : 'NOT valid'} — key ${r.signature.keyId} (${r.signature.fingerprint})${r.signature.trustedBy ? `, trusted via ${r.signature.trustedBy}` : ', NOT a trusted key'}`);
  }
  printLine(`files:     ${r.filesChecked} checked against the manifest`);
  if (r.ok) printLine('VERIFIED: the signature is valid and every file matches the signed manifest');
  else {
    printLine(`FAILED: ${r.problems.length} problem(s)`);
    for (const p of r.problems) printLine(`  [${p.kind}] ${p.path ? `${p.path}: ` : ''}${p.message}`);
  }
}

async function waitFor(client: ApiClient, id: string): Promise<ExportView> {
  const bar = progress(`export ${id}`);
  for (;;) {
    const v = await client.json<ExportView>('GET', `/api/exports/${encodeURIComponent(id)}`);
    bar(Math.round(v.progress * 100), 100);
    if (v.status === 'failed') throw new UserError('export_failed', `export ${id} failed: ${v.error ?? 'no reason given'}`);
    if (v.status === 'done') return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function registerEvidenceCommands(program: Command): void {
  const ex = program.command('export').description('Evidence export: signed bundles of original recordings, and their offline verification');

  ex.command('create')
    .description('Export the original recordings of cameras over a time range through the running server, wait for it, and download the bundle (.tar)')
    .requiredOption('--camera <id>', 'camera id (repeat for several)', collect)
    .requiredOption('--from <iso>', 'start, ISO 8601 with zone, e.g. 2026-03-02T09:00:00+08:00')
    .requiredOption('--to <iso>', 'end (exclusive), ISO 8601 with zone')
    .requiredOption('--case <ref>', 'case reference (required; recorded in the bundle and the audit trail)')
    .requiredOption('--purpose <text>', 'why the footage is exported')
    .option('--out <file>', 'where to write the bundle (default ./<export id>.tar)')
    .option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (or SMARTVIEW_TOKEN)')
    .option('--json', 'print the result as one JSON line')
    .action(async (opts: { camera: string[]; from: string; to: string; case: string; purpose: string; out?: string; url?: string; token?: string; json?: boolean }) => {
      const fromMs = parseIsoWithZone('--from', opts.from);
      const toMs = parseIsoWithZone('--to', opts.to);
      const client = new ApiClient(opts);
      const started = await client.json<ExportView>('POST', '/api/exports', { json: { cameraIds: opts.camera, fromMs, toMs, caseRef: opts.case, purpose: opts.purpose } });
      warn(`export ${started.id} started (${opts.camera.join(', ')}, ${new Date(fromMs).toISOString()} … ${new Date(toMs).toISOString()})`);
      const done = await waitFor(client, started.id);
      const out = path.resolve(opts.out ?? `${done.id}.tar`);
      const res = await client.request('GET', `/api/exports/${encodeURIComponent(done.id)}/download`);
      const part = `${out}.part`;
      try {
        await pipeline(Readable.fromWeb(res.body as ReadableStream), createWriteStream(part));
        await rename(part, out);
      } catch (err) {
        await rm(part, { force: true });
        throw new UserError('download_failed', `could not write ${out}: ${(err as Error).message}`);
      }
      if (opts.json) printJsonLine({ id: done.id, file: out, manifestSha256: done.manifestSha256 });
      else printLine(out);
      warn(`bundle saved; check it with: smartview export verify ${path.relative(process.cwd(), out) || out} --pubkey <site key>`);
    });

  ex.command('verify <bundle>')
    .description('Verify a bundle (directory or .tar) offline: the manifest signature against a TRUSTED key, and every file against the manifest. Exits 1 on any problem')
    .option('--pubkey <file>', 'a trusted public key (PEM), e.g. from GET /api/keys or smartview keys show (repeatable)', collect)
    .option('--fingerprint <fp>', 'a trusted key fingerprint: the key carried in the bundle is accepted only if it has it (repeatable)', collect)
    .option('-c, --config <file>', 'on the site without --pubkey/--fingerprint: trust the site\'s own public keys from this config\'s data directory (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the report as one JSON line')
    .action(async (bundle: string, opts: { pubkey?: string[]; fingerprint?: string[]; config?: string; json?: boolean }) => {
      const siteKeysDir = opts.pubkey?.length || opts.fingerprint?.length ? undefined : keysDir(loadConfig({ file: opts.config }));
      const trust = trustFrom({ pubkeyFiles: opts.pubkey, fingerprints: opts.fingerprint, siteKeysDir });
      const report = await verifyBundle(path.resolve(bundle), trust);
      if (opts.json) printJsonLine(report);
      else printReport(report);
      if (!report.ok) process.exitCode = 1;
    });
}
