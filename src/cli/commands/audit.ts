import type { Command } from 'commander';
import { LOCAL_CLI, withLocalStore } from '../local';
import { printJsonLine, printLine, progress, warn } from '../output';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit trail (administrative: local store)');
  audit
    .command('verify')
    .description('Recompute every hash and check every signed checkpoint; exits 1 on any problem')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the result as one JSON line')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const bar = progress('records checked');
      const r = await withLocalStore({ ...opts, quiet: opts.json }, async (sv) => {
        const result = await sv.audit.verifyAll((n) => bar(n));
        await sv.store.transaction((tx) => sv.audit.record(tx, LOCAL_CLI, { action: 'audit.verify', outcome: result.ok ? 'ok' : 'failed', details: { recordsChecked: result.recordsChecked, problems: result.problems.length } }));
        return result;
      });
      if (opts.json) printJsonLine(r);
      else {
        printLine(r.ok ? `audit trail OK: ${r.recordsChecked} records in ${r.chains?.length ?? 0} chain(s)` : `audit trail FAILED verification: ${r.problems.length} problem(s) in ${r.recordsChecked} records`);
        for (const p of r.problems.slice(0, 100)) warn(`  [${p.kind}] ${p.chain}${p.chainSeq !== undefined ? ` #${p.chainSeq}` : ''}: ${p.message}`);
      }
      if (!r.ok) process.exitCode = 1;
    });

  const keys = program.command('keys').description('The site\'s signing keys (administrative: local data directory)');
  keys
    .command('show')
    .description('Print the site\'s public keys and fingerprints (current first)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'one JSON object a line')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const list = await withLocalStore({ ...opts, quiet: true }, async (sv) => sv.keyring.publicKeys());
      for (const k of list) {
        if (opts.json) printJsonLine(k);
        else printLine(`${k.current ? '* ' : '  '}${k.keyId}  ${k.fingerprint}\n${k.publicKeyPem}`);
      }
    });
  keys
    .command('rotate')
    .description('Make a new site signing key; old public keys are kept, so audit checkpoints and evidence signed before still verify (audited)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the new key as one JSON line')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const k = await withLocalStore({ ...opts, quiet: opts.json }, async (sv) => {
        const old = sv.keyring.current();
        const fresh = sv.keyring.rotate();
        await sv.store.transaction((tx) => sv.audit.record(tx, LOCAL_CLI, { action: 'keys.rotate', targetType: 'key', targetId: fresh.keyId, details: { previousKeyId: old.keyId, keyId: fresh.keyId, fingerprint: fresh.fingerprint } }));
        return { keyId: fresh.keyId, fingerprint: fresh.fingerprint, publicKeyPem: fresh.publicKeyPem, previousKeyId: old.keyId };
      });
      if (opts.json) printJsonLine(k);
      else printLine(`new site key ${k.keyId}  ${k.fingerprint}\n${k.publicKeyPem}`);
      warn(`previous key ${k.previousKeyId} stays published for verification; restart running servers so they sign with the new key`);
    });
}
