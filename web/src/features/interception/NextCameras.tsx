import { useTranslation } from 'react-i18next';
import { clock, percent } from './format';
import type { Prediction } from './types';

/** The ranked next cameras with their arrival windows, and the cameras 2 and 3 steps ahead (faint). */
export function NextCameras({ result }: { result: Prediction }) {
  const { t } = useTranslation();
  return (
    <div className="next-cameras">
      <h3>{t('interception.next.title')}</h3>
      {result.next.length === 0 && <p className="muted" data-testid="next-empty">{t('interception.next.none')}</p>}
      <table className="data compact" data-testid="next-cameras">
        <thead>
          <tr>
            <th>{t('interception.next.step')}</th>
            <th>{t('interception.next.camera')}</th>
            <th>{t('interception.next.chance')}</th>
            <th>{t('interception.next.window')}</th>
          </tr>
        </thead>
        <tbody>
          {result.next.map((c) => (
            <tr key={c.cameraId} data-testid="next-camera" data-camera={c.cameraId} data-p={c.p}>
              <td>1</td>
              <td className="mono">{c.cameraId}</td>
              <td className="num">{percent(c.p)}</td>
              <td>{t('interception.next.between', { from: clock(c.fromMs), to: clock(c.toMs), at: clock(c.atMs) })}</td>
            </tr>
          ))}
          {result.ahead.flatMap((s) =>
            s.cameras.map((c) => (
              <tr key={`${s.step}-${c.cameraId}`} className="ahead" data-testid="ahead-camera" data-step={s.step} data-camera={c.cameraId}>
                <td>{s.step}</td>
                <td className="mono">{c.cameraId}</td>
                <td className="num">{percent(c.p)}</td>
                <td>{t('interception.next.between', { from: clock(c.fromMs), to: clock(c.toMs), at: clock(c.atMs) })}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
