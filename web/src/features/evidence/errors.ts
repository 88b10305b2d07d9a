import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';

/** Export refusals in the reader's language, with the camera and the times (HKT) the server names. */
export function exportErrorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(t, err);
  const d = err.details ?? {};
  const camera = typeof d.cameraId === 'string' ? d.cameraId : typeof d.id === 'string' ? d.id : '';
  switch (err.code) {
    case 'case_required':
      return t('evidence.errors.caseRequired');
    case 'no_recordings':
      return t('evidence.errors.noRecordings', { camera, from: formatHkt(Number(d.fromMs)), to: formatHkt(Number(d.toMs)) });
    case 'playback_not_allowed':
      return t('evidence.errors.playbackNotAllowed', { camera });
    case 'not_found':
      return d.what === 'camera' ? t('evidence.errors.cameraNotFound', { camera }) : errorText(t, err);
    default:
      return errorText(t, err);
  }
}
