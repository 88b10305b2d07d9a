import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { searchApi } from './searchApi';

/** The best crop of a track, fetched with the case header and shown from an object URL (revoked when gone). */
export function TrackCrop({ caseRef, trackId, alt, hasCrop }: { caseRef: string; trackId: string; alt: string; hasCrop: boolean }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!hasCrop || !caseRef) return;
    const ac = new AbortController();
    let made: string | null = null;
    setFailed(false);
    searchApi.crop(caseRef, trackId, ac.signal).then(
      (blob) => {
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.warn(`Crop of track ${trackId} failed`, err);
        setFailed(true);
      },
    );
    return () => {
      ac.abort();
      if (made) URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [caseRef, trackId, hasCrop]);
  if (!hasCrop || failed || !url) return <span className={`track-crop empty${failed ? ' failed' : ''}`} aria-hidden="true" />;
  return <img className="track-crop" src={url} alt={alt} data-testid="track-crop" />;
}
