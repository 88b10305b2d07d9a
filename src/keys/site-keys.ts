import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The site's Ed25519 signing key: signs audit checkpoints and (later) evidence manifests.
 * Kept as files outside the database: <dataDir>/keys/site-ed25519.pem (private, mode 0600) and
 * <dataDir>/keys/public/<keyId>.pem for every key the site ever used, so signatures made
 * before a rotation stay verifiable.
 */
export interface SiteKey {
  keyId: string;
  /** SHA-256 of the public key (DER), hex, grouped for reading aloud. */
  fingerprint: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

export interface PublicKeyInfo {
  keyId: string;
  fingerprint: string;
  publicKeyPem: string;
  current: boolean;
}

function describe(pub: KeyObject): { keyId: string; fingerprint: string; publicKeyPem: string } {
  const der = pub.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest('hex');
  return {
    keyId: digest.slice(0, 16),
    fingerprint: digest.match(/.{4}/g)!.join(':'),
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export class SiteKeyring {
  private cached?: SiteKey;
  constructor(private readonly dir: string) {}

  private get privatePath(): string {
    return path.join(this.dir, 'site-ed25519.pem');
  }
  private get publicDir(): string {
    return path.join(this.dir, 'public');
  }

  /** The current key, created on first use. */
  current(): SiteKey {
    if (this.cached) return this.cached;
    if (!existsSync(this.privatePath)) return this.rotate();
    const privateKey = createPrivateKey(readFileSync(this.privatePath));
    this.cached = { ...describe(createPublicKey(privateKey)), privateKey };
    return this.cached;
  }

  /** Makes a new current key; the old public key stays in public/. */
  rotate(): SiteKey {
    mkdirSync(this.publicDir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const info = describe(publicKey);
    writeFileSync(path.join(this.publicDir, `${info.keyId}.pem`), info.publicKeyPem);
    const tmp = `${this.privatePath}.tmp`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    renameSync(tmp, this.privatePath);
    this.cached = { ...info, privateKey };
    return this.cached;
  }

  /** Every public key this site has used, current first. */
  publicKeys(): PublicKeyInfo[] {
    const current = this.current();
    const out: PublicKeyInfo[] = [];
    for (const f of existsSync(this.publicDir) ? readdirSync(this.publicDir) : []) {
      if (!f.endsWith('.pem')) continue;
      const info = describe(createPublicKey(readFileSync(path.join(this.publicDir, f))));
      out.push({ ...info, current: info.keyId === current.keyId });
    }
    return out.sort((a, b) => Number(b.current) - Number(a.current));
  }

  publicKey(keyId: string): PublicKeyInfo | undefined {
    return this.publicKeys().find((k) => k.keyId === keyId);
  }

  sign(data: Buffer | string): { keyId: string; signature: string } {
    const k = this.current();
    return { keyId: k.keyId, signature: sign(null, Buffer.from(data), k.privateKey).toString('base64') };
  }
}

export function verifySignature(publicKeyPem: string, data: Buffer | string, signatureB64: string): boolean {
  return verify(null, Buffer.from(data), createPublicKey(publicKeyPem), Buffer.from(signatureB64, 'base64'));
}
