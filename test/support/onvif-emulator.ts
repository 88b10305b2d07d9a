import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An ONVIF device emulator written from the ONVIF Core / Media / PTZ specifications (SOAP 1.2 over
 * HTTP, WS-UsernameToken PasswordDigest) with a WS-Discovery responder. It covers: GetSystemDateAndTime
 * (unauthenticated, as the Core spec allows), GetDeviceInformation, GetCapabilities, GetServices,
 * GetVideoSources, GetProfiles, GetStreamUri, GetSnapshotUri, PTZ ContinuousMove / Stop / GetPresets /
 * GotoPreset, and WS-Discovery Probe → ProbeMatches. Stream URIs point at a real RTSP server.
 * Bad-device modes: 'fault' (SOAP Fault on every operation after the clock), 'nonsense' (200 with
 * non-SOAP text), 'hang' (never answers). A wrong password answers the ter:NotAuthorized fault.
 */
export interface OnvifEmulatorOptions {
  username: string;
  password: string;
  /** RTSP URIs of the main and sub profiles (point them at test/support/rtsp.ts). */
  mainUri: string;
  subUri: string;
  snapshotUri?: string;
  /** Offset of the emulated device clock from the real one, ms. */
  clockOffsetMs?: number;
  mode?: 'ok' | 'fault' | 'nonsense' | 'hang';
  /** UDP port of the WS-Discovery responder on 127.0.0.1 (0 = any free port). */
  discoveryPort?: number;
  serial?: string;
}

export interface OnvifEmulator {
  readonly port: number;
  readonly discoveryPort: number;
  readonly xaddr: string;
  /** Operations received, in order (for assertions). */
  readonly calls: string[];
  /** PTZ moves received: { op, profile, x, y, zoom } */
  readonly ptz: Array<{ op: string; profile: string; x?: number; y?: number; zoom?: number; preset?: string }>;
  setMode(mode: NonNullable<OnvifEmulatorOptions['mode']>): void;
  stop(): Promise<void>;
}

const NS = 'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"';
const envelope = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`;
const fault = (code: string, sub: string, reason: string) =>
  envelope(`<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>${sub}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`);

const tag = (xml: string, name: string): string | undefined => new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1];
const attr = (xml: string, el: string, a: string): string | undefined => new RegExp(`<(?:\\w+:)?${el}\\b[^>]*\\b${a}="([^"]*)"`).exec(xml)?.[1];

function checkDigest(xml: string, user: string, password: string): boolean {
  const u = tag(xml, 'Username');
  const digest = tag(xml, 'Password');
  const nonce = tag(xml, 'Nonce');
  const created = tag(xml, 'Created');
  if (!u || !digest || !nonce || !created) return false;
  const expected = createHash('sha1').update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
  return u === user && expected === digest;
}

function dateTime(ms: number): string {
  const d = new Date(ms);
  return `<tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime>`;
}

function profile(token: string, name: string, w: number, h: number): string {
  return `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name>` +
    `<tt:VideoSourceConfiguration token="vsc0"><tt:Name>vsc0</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="${w}" height="${h}"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="vec_${token}"><tt:Name>vec_${token}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${w}</tt:Width><tt:Height>${h}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl><tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>` +
    `<tt:PTZConfiguration token="ptz0"><tt:Name>ptz0</tt:Name><tt:UseCount>2</tt:UseCount><tt:NodeToken>node0</tt:NodeToken></tt:PTZConfiguration></trt:Profiles>`;
}

export async function startOnvifEmulator(o: OnvifEmulatorOptions): Promise<OnvifEmulator> {
  let mode = o.mode ?? 'ok';
  const calls: string[] = [];
  const ptz: OnvifEmulator['ptz'] = [];
  const presets = new Map([['1', 'Gate'], ['2', 'Road']]);
  const hanging = new Set<http.ServerResponse>();
  let base = '';

  const answer = (op: string, xml: string): string => {
    const now = Date.now() + (o.clockOffsetMs ?? 0);
    switch (op) {
      case 'GetDeviceInformation':
        return `<tds:GetDeviceInformationResponse><tds:Manufacturer>SmartView Test</tds:Manufacturer><tds:Model>Emulated PTZ Dome</tds:Model><tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>${o.serial ?? 'EMU-0001'}</tds:SerialNumber><tds:HardwareId>emu</tds:HardwareId></tds:GetDeviceInformationResponse>`;
      case 'GetCapabilities':
        return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}/onvif/device_service</tt:XAddr></tt:Device><tt:Media><tt:XAddr>${base}/onvif/media_service</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>${base}/onvif/ptz_service</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>`;
      case 'GetServices':
        return `<tds:GetServicesResponse>${[['http://www.onvif.org/ver10/device/wsdl', 'device_service'], ['http://www.onvif.org/ver10/media/wsdl', 'media_service'], ['http://www.onvif.org/ver20/ptz/wsdl', 'ptz_service']]
          .map(([ns, p]) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base}/onvif/${p}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`).join('')}</tds:GetServicesResponse>`;
      case 'GetVideoSources':
        return `<trt:GetVideoSourcesResponse><trt:VideoSources token="vs0"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1280</tt:Width><tt:Height>720</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`;
      case 'GetProfiles':
        return `<trt:GetProfilesResponse>${profile('main', 'MainStream', 1280, 720)}${profile('sub', 'SubStream', 640, 360)}</trt:GetProfilesResponse>`;
      case 'GetStreamUri': {
        const t = tag(xml, 'ProfileToken');
        if (t !== 'main' && t !== 'sub') throw new EmuFault('Sender', 'ter:InvalidArgVal', `no profile '${t}'`);
        return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${t === 'main' ? o.mainUri : o.subUri}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
      }
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${o.snapshotUri ?? `${base}/snapshot.jpg`}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
      case 'ContinuousMove': {
        const x = attr(xml, 'PanTilt', 'x');
        const y = attr(xml, 'PanTilt', 'y');
        const z = attr(xml, 'Zoom', 'x');
        ptz.push({ op, profile: tag(xml, 'ProfileToken') ?? '', x: x === undefined ? undefined : Number(x), y: y === undefined ? undefined : Number(y), zoom: z === undefined ? undefined : Number(z) });
        return '<tptz:ContinuousMoveResponse/>';
      }
      case 'Stop':
        ptz.push({ op, profile: tag(xml, 'ProfileToken') ?? '' });
        return '<tptz:StopResponse/>';
      case 'GetPresets':
        return `<tptz:GetPresetsResponse>${[...presets].map(([t, n]) => `<tptz:Preset token="${t}"><tt:Name>${n}</tt:Name></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`;
      case 'GotoPreset': {
        const p = tag(xml, 'PresetToken') ?? '';
        if (!presets.has(p)) throw new EmuFault('Sender', 'ter:InvalidArgVal', `no preset '${p}'`);
        ptz.push({ op, profile: tag(xml, 'ProfileToken') ?? '', preset: p });
        return '<tptz:GotoPresetResponse/>';
      }
      case 'GetSystemDateAndTime':
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>${dateTime(now)}</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      default:
        throw new EmuFault('Receiver', 'ter:ActionNotSupported', `${op} is not supported by this emulator`);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const xml = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/snapshot.jpg') {
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
        return;
      }
      const op = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1] ?? 'Unknown';
      calls.push(op);
      const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(body);
      if (mode === 'hang') {
        hanging.add(res);
        return;
      }
      if (mode === 'nonsense') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to NVR setup <b>wizard</body>');
        return;
      }
      if (op !== 'GetSystemDateAndTime') {
        if (mode === 'fault') return send(500, fault('Receiver', 'ter:HardwareFailure', 'Internal device error'));
        if (!checkDigest(xml, o.username, o.password)) return send(400, fault('Sender', 'ter:NotAuthorized', 'Sender not Authorized'));
      }
      try {
        send(200, envelope(answer(op, xml)));
      } catch (err) {
        if (!(err instanceof EmuFault)) throw err;
        send(500, fault(err.code, err.sub, err.message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  // WS-Discovery responder (unicast on loopback; the client sends its Probe here in tests).
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  udp.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    if (!/<(?:\w+:)?Probe\b/.test(text)) return;
    const relates = tag(text, 'MessageID') ?? '';
    const reply = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>urn:uuid:${crypto.randomUUID()}</a:MessageID><a:RelatesTo>${relates}</a:RelatesTo><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:emu-${o.serial ?? 'EMU-0001'}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/EmulatedPTZ onvif://www.onvif.org/name/SmartView_Emulator</d:Scopes><d:XAddrs>${base}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`;
    udp.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(o.discoveryPort ?? 0, '127.0.0.1', resolve));
  const discoveryPort = udp.address().port;

  return {
    port,
    discoveryPort,
    xaddr: `${base}/onvif/device_service`,
    calls,
    ptz,
    setMode: (m) => {
      mode = m;
    },
    stop: async () => {
      for (const r of hanging) r.destroy();
      udp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class EmuFault extends Error {
  constructor(readonly code: string, readonly sub: string, message: string) {
    super(message);
  }
}
