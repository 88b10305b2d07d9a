import { readFileSync } from 'node:fs';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { SecurityConfig } from '../config/security.schema';
import { OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Directory } from './auth.service';
import type { ExternalIdentity } from './external';

type LdapConfig = NonNullable<SecurityConfig['ldap']>;

/** RFC 4515 escaping of a value inside a search filter. */
export function escapeFilter(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A secret from the config: the value itself or the first line of its file. */
export function configSecret(value: string | undefined, file: string | undefined): string | undefined {
  if (value) return value;
  return file ? readFileSync(file, 'utf8').split(/\r?\n/)[0] : undefined;
}

/**
 * LDAP sign-in with ldapts: the service account finds exactly one user entry, the user's own
 * password is checked by binding as that entry (an empty password is refused before: it would be an
 * anonymous bind), and the user's groups are searched. The service password is never logged.
 */
export class LdapDirectory implements Directory {
  constructor(
    private readonly cfg: LdapConfig,
    private readonly bindPassword: string,
    private readonly log: Logger,
  ) {}

  get mappings() {
    return this.cfg.groupMappings;
  }

  async authenticate(username: string, password: string): Promise<ExternalIdentity | null> {
    if (!password || !username) return null;
    const service = this.client();
    try {
      await service.bind(this.cfg.bindDn, this.bindPassword);
      const { searchEntries } = await service.search(this.cfg.userBaseDn, {
        scope: 'sub',
        filter: this.cfg.userFilter.replaceAll('{username}', escapeFilter(username)),
        attributes: [this.cfg.displayNameAttribute],
        sizeLimit: 2,
      });
      if (searchEntries.length !== 1) return null;
      const entry = searchEntries[0]!;
      const user = this.client();
      try {
        await user.bind(entry.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) return null;
        throw err;
      } finally {
        await user.unbind();
      }
      const groups = await service.search(this.cfg.groupBaseDn ?? this.cfg.userBaseDn, {
        scope: 'sub',
        filter: this.cfg.groupFilter.replaceAll('{dn}', escapeFilter(entry.dn)),
        attributes: [this.cfg.groupNameAttribute],
      });
      const names = groups.searchEntries.flatMap((g) => [g[this.cfg.groupNameAttribute]].flat()).map(String);
      const display = [entry[this.cfg.displayNameAttribute]].flat()[0];
      return { source: 'ldap', externalId: entry.dn, username, displayName: display ? String(display) : username, groups: names };
    } catch (err) {
      this.log.error({ err, url: this.cfg.url }, 'LDAP sign-in failed');
      throw new OperationalError('ldap_unavailable', 'The directory (LDAP) cannot be reached or refused the service account; try again later or ask an administrator to check security.ldap', { cause: err });
    } finally {
      await service.unbind();
    }
  }

  private client(): Client {
    return new Client({ url: this.cfg.url, timeout: this.cfg.timeoutMs, connectTimeout: this.cfg.timeoutMs });
  }
}
