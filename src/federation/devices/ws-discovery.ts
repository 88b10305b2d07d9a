import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';

/** WS-Discovery (ONVIF Core §7): one Probe for NetworkVideoTransmitters, collecting ProbeMatches for `timeoutMs`. */
export interface DiscoveredDevice {
  /** The endpoint reference (urn:uuid:…), stable per device. */
  endpoint: string;
  xaddrs: string[];
  scopes: string[];
  /** name / hardware from the onvif:// scopes, when the device states them. */
  name: string | null;
  hardware: string | null;
  from: string;
}

export const WSD_MULTICAST = { host: '239.255.255.250', port: 3702 };

const probe = (id: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>urn:uuid:${id}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`;

const text = (xml: string, name: string): string | undefined => new RegExp(`<(?:[\\w-]+:)?${name}\\b[^>]*>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml)?.[1]?.trim();

/** Parses one ProbeMatches message; null when it is not one (or answers another probe). */
export function parseProbeMatch(xml: string, messageId: string, from: string): DiscoveredDevice | null {
  if (!/ProbeMatches/.test(xml)) return null;
  const relates = text(xml, 'RelatesTo');
  if (relates && relates !== `urn:uuid:${messageId}`) return null;
  const xaddrs = (text(xml, 'XAddrs') ?? '').split(/\s+/).filter((x) => /^https?:\/\//.test(x));
  if (!xaddrs.length) return null;
  const scopes = (text(xml, 'Scopes') ?? '').split(/\s+/).filter(Boolean);
  const scope = (k: string) => {
    const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${k}/`));
    return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${k}/`.length)).replace(/_/g, ' ') : null;
  };
  return { endpoint: text(xml, 'Address') ?? xaddrs[0]!, xaddrs, scopes, name: scope('name'), hardware: scope('hardware'), from };
}

/**
 * Sends a Probe to each target (by default the WS-Discovery multicast group; tests and routed
 * networks give unicast host:port targets) and gathers the distinct devices that answer in time.
 */
export async function discover(o: { timeoutMs: number; targets?: Array<{ host: string; port: number }> }): Promise<DiscoveredDevice[]> {
  const id = randomUUID();
  const targets = o.targets?.length ? o.targets : [WSD_MULTICAST];
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const found = new Map<string, DiscoveredDevice>();
  sock.on('message', (msg, rinfo) => {
    const d = parseProbeMatch(msg.toString('utf8'), id, rinfo.address);
    if (d && !found.has(d.endpoint)) found.set(d.endpoint, d);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  const errors: string[] = [];
  sock.on('error', (err) => errors.push(err.message));
  const msg = Buffer.from(probe(id));
  await Promise.all(targets.map((t) => new Promise<void>((resolve) => sock.send(msg, t.port, t.host, (err) => {
    if (err) errors.push(`${t.host}:${t.port}: ${err.message}`);
    resolve();
  }))));
  await new Promise((r) => setTimeout(r, o.timeoutMs));
  sock.close();
  if (errors.length === targets.length && found.size === 0) {
    throw new Error(`WS-Discovery probe could not be sent (${errors.join('; ')}): check the network interface allows UDP multicast to 239.255.255.250:3702`);
  }
  return [...found.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}
