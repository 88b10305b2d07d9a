// Minimal typings of the two devDependencies the SSO tests start as real servers (neither ships types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; prompt: { name: string }; params: Record<string, unknown>; session?: { accountId?: string } }>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    Grant: new (init: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
    proxy: boolean;
  }
}

declare module 'ldapjs' {
  export interface LdapRequest {
    dn: { toString(): string };
    credentials: string;
    filter: { matches(attrs: Record<string, unknown>): boolean };
    scope: string;
  }
  export interface LdapResponse {
    end(): void;
    send(entry: { dn: string; attributes: Record<string, string | string[]> }): void;
  }
  export interface LdapServer {
    bind(base: string, handler: (req: LdapRequest, res: LdapResponse, next: (err?: unknown) => void) => void): void;
    search(base: string, handler: (req: LdapRequest, res: LdapResponse, next: (err?: unknown) => void) => void): void;
    listen(port: number, host: string, cb: () => void): void;
    close(cb?: () => void): void;
    address(): { port: number };
  }
  export function createServer(): LdapServer;
  export class InvalidCredentialsError extends Error {}
  export class NoSuchObjectError extends Error {}
  const ldap: { createServer: typeof createServer; InvalidCredentialsError: typeof InvalidCredentialsError; NoSuchObjectError: typeof NoSuchObjectError };
  export default ldap;
}
