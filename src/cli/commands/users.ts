import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { generatePassword } from '../../auth/passwords';
import { PERMISSIONS, ROLES, type Grant, type Permission, type Role } from '../../auth/permissions';
import { UserError } from '../../core/errors';
import { isoUtc } from '../../core/time';
import { LOCAL_CLI, withLocalStore } from '../local';
import { printJsonLine, printLine, warn } from '../output';

function readPassword(opts: { passwordStdin?: boolean }): { password: string; generated: boolean } {
  if (opts.passwordStdin) {
    const p = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    if (!p) throw new UserError('password_missing', '--password-stdin: standard input was empty');
    return { password: p, generated: false };
  }
  return { password: generatePassword(), generated: true };
}

function list(s?: string): string[] | null {
  return s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null;
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Users (administrative: acts on the local store named by the config)');
  users
    .command('add <username>')
    .description('Add a user with one grant: a role scoped to organisations and/or districts')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--orgs <ids>', 'limit the grant to these organisations (comma-separated; default all)')
    .option('--districts <names>', 'limit the grant to these districts (comma-separated; default all)')
    .option('--display-name <name>', 'name shown in the app and audit trail')
    .option('--password-stdin', 'read the password from standard input (default: generate one and print it once)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the result as one JSON line')
    .action(async (username: string, opts: { role: string; orgs?: string; districts?: string; displayName?: string; passwordStdin?: boolean; config?: string; json?: boolean }) => {
      if (!ROLES.includes(opts.role as Role)) throw new UserError('bad_role', `--role: expected one of ${ROLES.join(', ')}, got '${opts.role}'`);
      const { password, generated } = readPassword(opts);
      const grants: Grant[] = [{ role: opts.role as Role, organisations: list(opts.orgs), districts: list(opts.districts) }];
      const user = await withLocalStore(opts, (sv) => sv.users.create(LOCAL_CLI, { username, displayName: opts.displayName, password, grants }));
      if (opts.json) printJsonLine({ id: user.id, username: user.username, grants: user.grants, ...(generated ? { password } : {}) });
      else {
        printLine(`user ${user.username} added (${opts.role}${grants[0]!.organisations ? ` of ${grants[0]!.organisations.join(',')}` : ''}${grants[0]!.districts ? ` in ${grants[0]!.districts.join(',')}` : ''})`);
        if (generated) printLine(`password: ${password}`);
      }
    });

  users
    .command('passwd <username>')
    .description('Set a new password for a user (generated and printed once unless --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .action(async (username: string, opts: { passwordStdin?: boolean; config?: string }) => {
      const { password, generated } = readPassword(opts);
      await withLocalStore(opts, (sv) => sv.users.setPassword(LOCAL_CLI, username, password));
      printLine(`password of ${username} changed${generated ? `: ${password}` : ''}`);
    });

  users
    .command('list')
    .description('List users and their grants')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'one JSON object a line')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const all = await withLocalStore({ ...opts, quiet: opts.json }, (sv) => sv.users.list(LOCAL_CLI));
      for (const u of all) {
        if (opts.json) printJsonLine(u);
        else printLine(`${u.username}\t${u.disabled ? 'disabled' : 'active'}\t${u.grants.map((g) => `${g.role}${g.organisations ? `@${g.organisations.join('|')}` : ''}${g.districts ? `#${g.districts.join('|')}` : ''}`).join(' ')}`);
      }
    });

  const byName = async (sv: Parameters<Parameters<typeof withLocalStore>[1]>[0], username: string) => {
    const u = (await sv.users.list(LOCAL_CLI)).find((x) => x.username === username);
    if (!u) throw new UserError('user_not_found', `No user named '${username}' (see: smartview users list)`);
    return u;
  };
  users
    .command('unlock <username>')
    .description('Unlock an account locked after failed sign-ins (#12; audited)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .action(async (username: string, opts: { config?: string }) => {
      await withLocalStore(opts, async (sv) => sv.auth.unlock(LOCAL_CLI, (await byName(sv, username)).id));
      printLine(`${username} unlocked`);
    });
  users
    .command('totp-reset <username>')
    .description('Remove a user\'s TOTP second factor (lost phone); they set it up again on their Account page (audited)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .action(async (username: string, opts: { config?: string }) => {
      await withLocalStore(opts, async (sv) => sv.totp.reset(LOCAL_CLI, (await byName(sv, username)).id));
      printLine(`second factor of ${username} removed`);
    });

  const tokens = program.command('tokens').description('API tokens for machines and the CLI (administrative: local store)');
  tokens
    .command('create')
    .description('Create an API token for a user; the token is printed once')
    .requiredOption('--user <username>', 'the user the token acts as')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--ttl-days <days>', 'expire after this many days')
    .option('--permissions <list>', 'limit the token to these permissions (comma-separated; each must be held by the user)')
    .option('--orgs <ids>', 'limit the token to cameras of these organisations (comma-separated)')
    .option('--districts <names>', 'limit the token to cameras in these districts (comma-separated)')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the result as one JSON line')
    .action(async (opts: { user: string; name: string; ttlDays?: string; permissions?: string; orgs?: string; districts?: string; config?: string; json?: boolean }) => {
      const ttl = opts.ttlDays ? Number(opts.ttlDays) * 86_400_000 : null;
      const t = await withLocalStore({ ...opts, quiet: opts.json }, async (sv) => {
        const u = (await sv.users.list(LOCAL_CLI)).find((x) => x.username === opts.user);
        if (!u) throw new UserError('user_not_found', `No user named '${opts.user}' (see: smartview users list)`);
        const permissions = list(opts.permissions);
        const unknown = (permissions ?? []).filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
        if (unknown.length) throw new UserError('permission_unknown', `Unknown permission(s): ${unknown.join(', ')}`);
        return sv.auth.createToken(LOCAL_CLI, { name: opts.name, userId: u.id, ttlMs: ttl, permissions: permissions as Permission[] | null, organisations: list(opts.orgs), districts: list(opts.districts) });
      });
      if (opts.json) printJsonLine(t);
      else {
        printLine(t.token);
        warn(`token ${t.id} created${t.expiresAt ? `, expires ${isoUtc(t.expiresAt)}` : ''}; use it as SMARTVIEW_TOKEN. It is not shown again.`);
      }
    });
}
