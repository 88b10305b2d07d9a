import type { TFunction } from 'i18next';
import type { Camera } from '../../../api/types';

/** Popup content built from DOM nodes (text only — camera fields are data, never HTML). */
export function popupContent(t: TFunction, cam: Camera, ownerName: string): HTMLElement {
  const root = document.createElement('div');
  root.className = 'camera-popup';
  const title = document.createElement('strong');
  title.textContent = cam.name;
  root.appendChild(title);
  const rows: [string, string][] = [
    [t('camera.id'), cam.id],
    [t('camera.owner'), ownerName],
    [t('camera.district'), cam.location.district],
  ];
  const dl = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  root.appendChild(dl);
  return root;
}
