import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, type Running } from '../../src/app/app';
import { parseConfig } from '../../src/config/load';
import type { ConfigInput } from '../../src/config/schema';
import { createLogger, silentLogger } from '../../src/core/logger';
import { SiteKeyring } from '../../src/keys/site-keys';
import { ADMIN_PASSWORD, WEB_DIR } from '../support/server';

export type FedInput = NonNullable<ConfigInput['federation']>;

/**
 * A real SmartView site for federation tests: its own data dir and Ed25519 key (made before start so that the
 * other sites can pin it), its own loopback port; it can be stopped and started again on the same port and data.
 */
export class Site {
  readonly dataDir: string;
  readonly publicKeyPem: string;
  running?: Running;
  port = 0;

  constructor(readonly siteId: string) {
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), `sv-fed-${siteId}-`));
    mkdirSync(path.join(this.dataDir, 'keys'), { recursive: true });
    this.publicKeyPem = new SiteKeyring(path.join(this.dataDir, 'keys')).current().publicKeyPem;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the site with this federation section. */
  async start(federation: FedInput, extra: ConfigInput = {}): Promise<void> {
    const config = parseConfig({
      ...extra,
      site: { id: this.siteId, name: `Site ${this.siteId}` },
      dataDir: this.dataDir,
      server: { port: this.port, host: '127.0.0.1' },
      store: { engine: 'sqlite' },
      roles: ['api'],
      log: { level: 'silent' },
      federation,
    });
    this.running = await serve(config, process.env.SV_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger(), { webDir: WEB_DIR, initialAdminPassword: ADMIN_PASSWORD });
    this.port = Number(new URL(this.running.url!).port);
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    await r?.stop();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  pin(url = this.url): { siteId: string; url: string; publicKeyPem: string } {
    return { siteId: this.siteId, url, publicKeyPem: this.publicKeyPem };
  }
}

/** Reserves a free loopback port (closed again) so a site's URL is known before it starts. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
