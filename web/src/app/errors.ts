import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A message for people: a translation of the error code when we have one, else the server's message. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    const translated = t(key, { defaultValue: '' });
    const base = translated || err.message || t('errors.unexpected');
    // The request id helps with unexpected failures; a known, translated error needs none.
    const withId = !translated && err.requestId && !base.includes(err.requestId);
    return withId ? `${base} (${t('errors.requestId', { id: err.requestId })})` : base;
  }
  if (err instanceof Error) return err.message;
  return t('errors.unexpected');
}
