import { useState } from 'react';
import { cropUrl } from './platesApi';
import type { Sighting } from './types';

/** The plate crop of a sighting as a thumbnail (the vehicle crop when there is no plate crop). */
export function PlateCrop({ sighting }: { sighting: Sighting }) {
  const [failed, setFailed] = useState(false);
  const kind = sighting.hasPlateCrop ? 'plate' : sighting.hasVehicleCrop ? 'vehicle' : null;
  if (!kind || failed) return <span className="plate-crop empty" aria-hidden="true" />;
  return <img className="plate-crop" src={cropUrl(sighting.id, kind)} alt={sighting.plate} loading="lazy" onError={() => setFailed(true)} data-testid="plate-crop" />;
}
