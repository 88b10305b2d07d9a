import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CHUNK = 1024 * 1024;

/** A byte-rate limit shared by every copy of one mover (token bucket, one second of burst). */
export class Throttle {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly bytesPerSecond: number) {
    this.tokens = bytesPerSecond;
  }

  async take(bytes: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
      if (this.tokens >= bytes || this.tokens >= this.bytesPerSecond) {
        this.tokens -= bytes;
        return;
      }
      await sleep(Math.ceil(((bytes - this.tokens) / this.bytesPerSecond) * 1000));
    }
  }
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** fsync of a directory (makes a rename or unlink in it durable). */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Unlink that ignores a file already gone. */
export async function unlinkIfExists(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if (code(err) === 'ENOENT') return false;
    throw err;
  }
}

export type CopyResult = { ok: true; bytes: number } | { ok: false; why: string };

/**
 * Copies `src` to `dest` crash-safely: into `dest + '.part'` (kernel copy), fsync, read the copy back and compare its
 * SHA-256 with `sha256` (the index's), then rename into place and fsync the directory. On a mismatch the part file
 * is removed and nothing is in place. Every copy takes its bytes from `throttle` first.
 */
export async function copyVerified(src: string, dest: string, sha256: string, throttle: Throttle): Promise<CopyResult> {
  const part = `${dest}.part`;
  await mkdir(path.dirname(dest), { recursive: true });
  const { size } = await stat(src);
  await throttle.take(size); // whole segments (a few MB) are the throttle's grain
  await copyFile(src, part); // copy_file_range / reflink where the file system offers it
  const out = await open(part, 'r+');
  try {
    await out.sync();
  } finally {
    await out.close();
  }
  const bytes = size;
  const got = await hashFile(part);
  if (got !== sha256) {
    await unlinkIfExists(part);
    return { ok: false, why: `the copy's SHA-256 ${got.slice(0, 12)}… differs from the index's ${sha256.slice(0, 12)}… (the source is damaged or changed)` };
  }
  await rename(part, dest);
  await syncDir(path.dirname(dest));
  return { ok: true, bytes };
}

export async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  const f = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await f.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await f.close();
  }
  return h.digest('hex');
}
