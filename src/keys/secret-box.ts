import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OperationalError } from '../core/errors';

/**
 * Encrypts secrets at rest (camera passwords) with AES-256-GCM under a key kept outside the
 * database (<dataDir>/keys/secrets.key, mode 0600), so a copy of the database alone reveals none.
 * Format: `v1:<base64 iv(12) | tag(16) | ciphertext>`.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKeyFile(dir: string): SecretBox {
    const file = path.join(dir, 'secrets.key');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new OperationalError('secret_key_invalid', `${file} must hold 32 bytes in base64`);
    return new SecretBox(key);
  }

  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
  }

  open(sealed: string): string {
    if (!sealed.startsWith('v1:')) throw new OperationalError('secret_format', 'Unknown secret format');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  }
}
