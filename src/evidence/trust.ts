import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors';

/**
 * Keys a verifier TRUSTS: public key files the user names (--pubkey), fingerprints the user
 * names (--fingerprint: then the key carried in the bundle is accepted if it has that
 * fingerprint), or — on the site itself — every public key the site has used
 * (<dataDir>/keys/public/*.pem, kept across rotations). Read-only: never creates a key.
 * keyId and fingerprint are computed exactly as SiteKeyring does (SHA-256 of the SPKI DER).
 */
export interface TrustedKey {
  keyId: string;
  fingerprint: string;
  key: KeyObject;
  /** Where the trust comes from, for messages: a file, 'site keys (…)', or 'fingerprint given'. */
  source: string;
}

export function describeKey(key: KeyObject): { keyId: string; fingerprint: string } {
  const digest = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  return { keyId: digest.slice(0, 16), fingerprint: digest.match(/.{4}/g)!.join(':') };
}

/** A fingerprint as people write it: any case, with or without ':' or spaces. */
export function normaliseFingerprint(fp: string): string {
  const hex = fp.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 64) throw new UserError('bad_fingerprint', `--fingerprint: expected the 64 hex digits of a SHA-256 fingerprint (as 'smartview keys show' prints it), got '${fp}'`);
  return hex.match(/.{4}/g)!.join(':');
}

export function parsePublicKey(pem: string | Buffer, source: string): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new UserError('bad_public_key', `${source}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UserError('bad_public_key', `${source}: an ${key.asymmetricKeyType ?? 'unknown'} key; evidence is signed with Ed25519`);
  return { ...describeKey(key), key, source };
}

export function readPublicKeyFile(file: string): TrustedKey {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new UserError('file_unreadable', `--pubkey ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parsePublicKey(pem, file);
}

/** Every public key in a site's keys directory (<dataDir>/keys); [] when there is none. */
export function siteTrustedKeys(keysDir: string): TrustedKey[] {
  const dir = path.join(keysDir, 'public');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .map((f) => parsePublicKey(readFileSync(path.join(dir, f)), `this site's keys (${dir})`));
}

export interface TrustSet {
  keys: TrustedKey[];
  /** Normalised fingerprints the user vouches for. */
  fingerprints: string[];
  /** What the trust is, for the report. */
  description: string;
}

/**
 * What to trust: the keys and fingerprints the user names; only when they name none, the
 * site's own public keys (when run on the site, from its data directory).
 */
export function trustFrom(o: { pubkeyFiles?: string[]; fingerprints?: string[]; siteKeysDir?: string }): TrustSet {
  const keys = (o.pubkeyFiles ?? []).map(readPublicKeyFile);
  const fingerprints = (o.fingerprints ?? []).map(normaliseFingerprint);
  const parts: string[] = [];
  if (keys.length) parts.push(`--pubkey ${keys.map((k) => `${k.source} (${k.keyId})`).join(', ')}`);
  if (fingerprints.length) parts.push(`--fingerprint ${fingerprints.join(', ')}`);
  if (!keys.length && !fingerprints.length && o.siteKeysDir) {
    const site = siteTrustedKeys(o.siteKeysDir);
    keys.push(...site);
    parts.push(site.length ? `this site's keys in ${path.join(o.siteKeysDir, 'public')}: ${site.map((k) => k.keyId).join(', ')}` : `no keys in ${path.join(o.siteKeysDir, 'public')}`);
  }
  return { keys, fingerprints, description: parts.length ? parts.join('; ') : 'none given' };
}
