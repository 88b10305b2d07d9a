import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { devicesApi, type Discovered, type Probe } from './devicesApi';

/** '#/devices': WS-Discovery, then probe and onboard an ONVIF device as a camera. */
export function DevicesPage() {
  const { t } = useTranslation();
  const [targets, setTargets] = useState('');
  const [found, setFound] = useState<Discovered[] | null>(null);
  const [form, setForm] = useState({ xaddr: '', username: '', password: '', id: '', owner: '', lat: '', lon: '', district: '' });
  const [probe, setProbe] = useState<Probe | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const discover = (e: FormEvent) => {
    e.preventDefault();
    const list: Array<{ host: string; port: number }> = [];
    for (const s of targets.split(/[\s,]+/).filter(Boolean)) {
      const m = /^(.+):(\d{1,5})$/.exec(s);
      if (!m) {
        setError(t('devicesPage.badTarget', { target: s }));
        return;
      }
      list.push({ host: m[1]!, port: Number(m[2]) });
    }
    void run(async () => setFound((await devicesApi.discover(list)).items));
  };
  const target = () => ({ xaddr: form.xaddr.trim(), username: form.username, password: form.password });
  const doProbe = () => run(async () => setProbe(await devicesApi.probe(target())));
  const onboard = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await devicesApi.onboard({ ...target(), id: form.id.trim(), owner: form.owner.trim(), location: { lat: Number(form.lat), lon: Number(form.lon), district: form.district.trim() } });
      setProbe(r.probe);
      setDone(r.cameras.map((c) => c.id).join(', '));
    });
  };

  return (
    <section className="page devices-page">
      <h1>{t('devicesPage.title')}</h1>
      <form onSubmit={discover} className="devices-discover">
        <label>
          {t('devicesPage.targets')}
          <input value={targets} onChange={(e) => setTargets(e.target.value)} placeholder="192.168.1.20:3702" data-testid="devices-targets" />
        </label>
        <button type="submit" disabled={busy} data-testid="devices-discover">{t('devicesPage.discover')}</button>
      </form>
      {found && (
        <ul data-testid="devices-found">
          {found.length === 0 && <li>{t('devicesPage.noneFound')}</li>}
          {found.map((d) => (
            <li key={d.endpoint}>
              <span>{d.name ?? d.endpoint}</span> <code>{d.xaddrs[0]}</code>{' '}
              <button type="button" onClick={() => setForm({ ...form, xaddr: d.xaddrs[0] ?? '' })} data-testid="devices-use">{t('devicesPage.use')}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onboard} className="devices-onboard">
        {(['xaddr', 'username', 'password', 'id', 'owner', 'lat', 'lon', 'district'] as const).map((k) => (
          <label key={k}>
            {t(`devicesPage.field.${k}`)}
            <input value={form[k]} onChange={set(k)} type={k === 'password' ? 'password' : 'text'} data-testid={`devices-${k}`} />
          </label>
        ))}
        <button type="button" onClick={() => void doProbe()} disabled={busy || !form.xaddr} data-testid="devices-probe">{t('devicesPage.probe')}</button>
        <button type="submit" disabled={busy || !form.xaddr || !form.id} data-testid="devices-onboard">{t('devicesPage.onboard')}</button>
      </form>
      {error && <p className="error" role="alert" data-testid="devices-error">{error}</p>}
      {probe && (
        <dl data-testid="devices-probe-result">
          <dt>{t('devicesPage.device')}</dt>
          <dd>{probe.info.manufacturer} {probe.info.model} ({probe.info.serialNumber})</dd>
          <dt>{t('devicesPage.profiles')}</dt>
          <dd>{probe.profiles.map((p) => `${p.name} ${p.width ?? '?'}×${p.height ?? '?'}`).join(', ')}</dd>
          <dt>{t('devicesPage.clock')}</dt>
          <dd data-testid="devices-clock">
            {probe.clockOffsetMs === null ? t('devicesPage.clockUnknown') : t('devicesPage.clockOffset', { seconds: (probe.clockOffsetMs / 1000).toFixed(1) })}
            {probe.clockWarning && ` ${t('devicesPage.clockWarning')}`}
          </dd>
          <dt>{t('devicesPage.ptz')}</dt>
          <dd>{probe.ptz ? t('devicesPage.yes') : t('devicesPage.no')}</dd>
        </dl>
      )}
      {done && <p role="status" data-testid="devices-done">{t('devicesPage.onboarded', { ids: done })}</p>}
    </section>
  );
}
