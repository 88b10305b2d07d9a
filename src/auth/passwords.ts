import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../core/errors';

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  return verify(hashed, password);
}

/** A password a person can type: 20 characters from an alphabet without look-alikes. */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function checkPasswordPolicy(password: string, username: string): void {
  if (password.length < 12) throw new ValidationError('The password must have at least 12 characters', { field: 'password' });
  if (password.length > 256) throw new ValidationError('The password must have at most 256 characters', { field: 'password' });
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new ValidationError('The password must not contain the user name', { field: 'password' });
  }
}
