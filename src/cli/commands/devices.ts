import type { Command } from 'commander';
import { UserError } from '../../core/errors';
import { ApiClient } from '../client';
import { printJsonLine, printLine, warn } from '../output';

interface ServerOpts {
  url?: string;
  token?: string;
}
interface DeviceOpts extends ServerOpts {
  user: string;
  password?: string;
  timeout?: string;
  json?: boolean;
}

function serverOptions(cmd: Command): Command {
  return cmd.option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)').option('--token <token>', 'API token (or SMARTVIEW_TOKEN)');
}

function deviceOptions(cmd: Command): Command {
  return serverOptions(cmd)
    .requiredOption('--user <name>', 'ONVIF user name')
    .option('--password <pw>', 'ONVIF password (better: SMARTVIEW_DEVICE_PASSWORD, which stays out of the shell history)')
    .option('--timeout <ms>', 'deadline of each device request, ms', '5000')
    .option('--json', 'print the JSON answer');
}

function target(xaddr: string, o: DeviceOpts): { xaddr: string; username: string; password: string; timeoutMs: number } {
  const password = o.password ?? process.env.SMARTVIEW_DEVICE_PASSWORD;
  if (password === undefined) throw new UserError('missing_password', 'Give the device password: --password or SMARTVIEW_DEVICE_PASSWORD');
  const timeoutMs = Number(o.timeout ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 200) throw new UserError('bad_timeout', `--timeout: expected whole milliseconds ≥ 200, got '${o.timeout}'`);
  return { xaddr: /^https?:\/\//.test(xaddr) ? xaddr : `http://${xaddr}/onvif/device_service`, username: o.user, password, timeoutMs };
}

interface Probe {
  info: { manufacturer: string; model: string; serialNumber: string; firmwareVersion: string };
  profiles: Array<{ token: string; name: string; width: number | null; height: number | null }>;
  clockOffsetMs: number | null;
  clockWarning: boolean;
  ptz: boolean;
  streams: { main: string; sub: string | null };
}

function printProbe(p: Probe): void {
  printLine(`${p.info.manufacturer} ${p.info.model} (serial ${p.info.serialNumber}, firmware ${p.info.firmwareVersion})`);
  for (const pr of p.profiles) printLine(`profile ${pr.token}\t${pr.name}\t${pr.width ?? '?'}x${pr.height ?? '?'}`);
  printLine(`main ${p.streams.main}${p.streams.sub ? `\nsub  ${p.streams.sub}` : ''}`);
  printLine(`ptz ${p.ptz ? 'yes' : 'no'}`);
  printLine(`clock offset ${p.clockOffsetMs === null ? 'unknown' : `${(p.clockOffsetMs / 1000).toFixed(1)} s`}${p.clockWarning ? ' (WARNING: set the device to NTP; recordings would carry wrong times)' : ''}`);
}

export function registerDeviceCommands(program: Command): void {
  const dev = program.command('devices').description('Third-party ONVIF devices: discover, probe, onboard (through the running server\'s audited API)');

  serverOptions(dev.command('discover'))
    .description('WS-Discovery probe from the server (multicast 239.255.255.250:3702, or --target host:port)')
    .option('--timeout <ms>', 'how long to collect answers, ms', '2000')
    .option('--target <host:port...>', 'unicast targets instead of the multicast group')
    .option('--json', 'one JSON object a line')
    .action(async (o: ServerOpts & { timeout: string; target?: string[]; json?: boolean }) => {
      const targets = o.target?.map((t) => {
        const m = /^(.+):(\d{1,5})$/.exec(t);
        if (!m) throw new UserError('bad_target', `--target: expected host:port, got '${t}'`);
        return { host: m[1]!, port: Number(m[2]) };
      });
      const r = await new ApiClient(o).json<{ items: Array<{ endpoint: string; xaddrs: string[]; name: string | null; hardware: string | null }> }>('POST', '/api/devices/discover', { json: { timeoutMs: Number(o.timeout), targets } });
      for (const d of r.items) {
        if (o.json) printJsonLine(d);
        else printLine(`${d.xaddrs.join(' ')}\t${d.name ?? ''}\t${d.hardware ?? ''}\t${d.endpoint}`);
      }
      if (!o.json) warn(`${r.items.length} device(s)`);
    });

  deviceOptions(dev.command('probe <xaddr>'))
    .description('Ask a device for its information, profiles, streams and clock offset (changes nothing)')
    .action(async (xaddr: string, o: DeviceOpts) => {
      const p = await new ApiClient(o).json<Probe>('POST', '/api/devices/probe', { json: target(xaddr, o) });
      if (o.json) printJsonLine(p);
      else printProbe(p);
    });

  deviceOptions(dev.command('onboard <xaddr>'))
    .description('Add a device to the inventory as a camera (all or nothing; credentials stored encrypted)')
    .requiredOption('--id <id>', 'camera id')
    .requiredOption('--owner <org>', 'owner organisation id')
    .requiredOption('--lat <lat>', 'latitude')
    .requiredOption('--lon <lon>', 'longitude')
    .requiredOption('--district <name>', 'district')
    .option('--name <name>', 'camera name (default: manufacturer, model and profile)')
    .option('--address <text>', 'street address')
    .option('--no-live', 'the owner does not share live view')
    .option('--no-playback', 'the owner does not share playback')
    .action(async (xaddr: string, o: DeviceOpts & { id: string; owner: string; lat: string; lon: string; district: string; name?: string; address?: string; live: boolean; playback: boolean }) => {
      const body = {
        ...target(xaddr, o), id: o.id, owner: o.owner, name: o.name,
        location: { lat: Number(o.lat), lon: Number(o.lon), district: o.district, address: o.address ?? '' },
        sharing: { liveAllowed: o.live, playbackAllowed: o.playback },
      };
      const r = await new ApiClient(o).json<{ cameras: Array<{ id: string; name: string; owner: string }>; probe: Probe }>('POST', '/api/devices/onboard', { json: body });
      if (o.json) printJsonLine(r);
      else for (const c of r.cameras) printLine(`onboarded ${c.id}\t${c.name}\t${c.owner}`);
      if (r.probe.clockWarning) warn(`the device clock is off by ${((r.probe.clockOffsetMs ?? 0) / 1000).toFixed(1)} s: set it to NTP`);
    });
}
