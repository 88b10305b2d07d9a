import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { verifySignature, type SiteKeyring } from '../keys/site-keys';

export const BACKUP_FORMAT = 'smartview-backup-v1';
export const MANIFEST = 'manifest.json';

export interface BackupFile {
  /** Relative to the backup directory, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestBody {
  format: typeof BACKUP_FORMAT;
  site: { id: string; name: string };
  createdAt: number;
  softwareVersion: string;
  engine: 'sqlite' | 'postgres';
  /** How the database was saved: sqlite-backup (online backup API) | pg_dump (custom format). */
  database: { method: 'sqlite-backup' | 'pg_dump'; file: string };
  /** Migrations applied in the saved database (a restore refuses a newer schema than its software knows). */
  migrations: string[];
  files: BackupFile[];
}

export interface Manifest extends ManifestBody {
  signature: { keyId: string; signature: string };
}

/** Canonical bytes of the manifest body (what is signed). */
export function manifestBytes(body: ManifestBody): Buffer {
  return Buffer.from(JSON.stringify(body));
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/** Every regular file below `dir`, relative, sorted (the manifest itself excluded). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    if (rel !== MANIFEST) out.push(rel);
  }
  return out.sort();
}

export async function describeFiles(dir: string): Promise<BackupFile[]> {
  const files: BackupFile[] = [];
  for (const rel of await listFiles(dir)) {
    const abs = path.join(dir, rel);
    files.push({ path: rel, bytes: (await stat(abs)).size, sha256: await sha256File(abs) });
  }
  return files;
}

export function signManifest(body: ManifestBody, keyring: SiteKeyring): Manifest {
  return { ...body, signature: keyring.sign(manifestBytes(body)) };
}

/**
 * Problems with a backup directory against its manifest: the signature (by a public key shipped in the backup's
 * keys/public/, whose fingerprint the operator compares with the site's published one), then every file's
 * size and SHA-256, and no file that the manifest does not list. Empty = intact.
 */
export async function verifyBackupDir(dir: string, m: Manifest, publicKeyPem: string | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (m.format !== BACKUP_FORMAT) problems.push(`unknown backup format '${String(m.format)}' (expected ${BACKUP_FORMAT})`);
  const { signature, ...body } = m;
  if (!publicKeyPem) problems.push(`the signing key ${signature.keyId} is not among the backup's public keys`);
  else if (!verifySignature(publicKeyPem, manifestBytes(body), signature.signature)) problems.push('the manifest signature does not verify: the manifest was changed after the backup was made');
  const listed = new Map(m.files.map((f) => [f.path, f]));
  const present = await listFiles(dir);
  for (const rel of present) if (!listed.has(rel)) problems.push(`${rel}: not listed in the manifest`);
  for (const f of m.files) {
    if (!present.includes(f.path)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const abs = path.join(dir, f.path);
    const st = await stat(abs);
    if (st.size !== f.bytes) problems.push(`${f.path}: ${st.size} bytes, manifest says ${f.bytes}`);
    else if ((await sha256File(abs)) !== f.sha256) problems.push(`${f.path}: SHA-256 differs from the manifest`);
  }
  return problems;
}
