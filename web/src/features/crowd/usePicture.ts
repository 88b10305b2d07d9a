import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { cameraPicture } from './crowdApi';

/**
 * An object URL of the camera's current picture, fetched once a purpose is given (null until then),
 * and its width / height (for the camera-pose calibration).
 */
export function usePicture(cameraId: string, purpose: string): { url: string | null; aspect: number | null; error: unknown } {
  const [url, setUrl] = useState<string | null>(null);
  const [aspect, setAspect] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setUrl(null);
    setError(null);
    if (!purpose.trim()) return;
    const ac = new AbortController();
    let made: string | null = null;
    cameraPicture(cameraId, purpose, ac.signal).then(
      (blob) => {
        made = URL.createObjectURL(blob);
        setUrl(made);
        const img = new Image();
        img.onload = () => img.naturalHeight > 0 && setAspect(Math.round((img.naturalWidth / img.naturalHeight) * 10_000) / 10_000);
        img.src = made;
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.warn(`The picture of ${cameraId} could not be read`, err);
        setError(err);
      },
    );
    return () => {
      ac.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [cameraId, purpose]);
  return { url, aspect, error };
}
