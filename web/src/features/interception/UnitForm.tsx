import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from './types';

/** A response unit: its position (typed, or a click on the map) and average speed. */
export function UnitForm({ unit, onChange }: { unit: Unit | null; onChange(u: Unit | null): void }) {
  const { t } = useTranslation();
  const [lat, setLat] = useState(unit ? String(unit.lat) : '');
  const [lon, setLon] = useState(unit ? String(unit.lon) : '');
  const [speed, setSpeed] = useState(unit ? String(unit.speedKmh) : '40');
  const [error, setError] = useState<string | null>(null);

  // A click on the map moves the unit: show where.
  useEffect(() => {
    if (!unit) return;
    setLat(unit.lat.toFixed(6));
    setLon(unit.lon.toFixed(6));
    setSpeed(String(unit.speedKmh));
  }, [unit]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const u = { lat: Number(lat), lon: Number(lon), speedKmh: Number(speed) };
    if (!lat || !lon || !Number.isFinite(u.lat) || !Number.isFinite(u.lon) || Math.abs(u.lat) > 90 || Math.abs(u.lon) > 180) return setError(t('interception.unit.badPosition'));
    if (!(u.speedKmh >= 2 && u.speedKmh <= 360)) return setError(t('interception.unit.badSpeed'));
    setError(null);
    onChange(u);
  };

  return (
    <form className="filters unit-form" onSubmit={submit} data-testid="unit-form">
      <label>
        {t('interception.unit.lat')}
        <input value={lat} onChange={(e) => setLat(e.target.value)} inputMode="decimal" data-testid="unit-lat" />
      </label>
      <label>
        {t('interception.unit.lon')}
        <input value={lon} onChange={(e) => setLon(e.target.value)} inputMode="decimal" data-testid="unit-lon" />
      </label>
      <label>
        {t('interception.unit.speed')}
        <input value={speed} onChange={(e) => setSpeed(e.target.value)} inputMode="decimal" data-testid="unit-speed" />
      </label>
      <button type="submit" data-testid="unit-set">
        {t('interception.unit.set')}
      </button>
      {unit && (
        <button type="button" onClick={() => onChange(null)}>
          {t('interception.unit.clear')}
        </button>
      )}
      <span className="muted small">{t('interception.unit.hint')}</span>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
