import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { ConfigError, parseConfig } from '../config/load';
import { advertisedApiUrl, reachableHostAddress } from './advertise';

type Ifaces = Parameters<typeof reachableHostAddress>[0];
const IFACES: Ifaces = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:42:ac:11:00:02', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
    { address: '10.20.30.40', netmask: '255.255.255.0', family: 'IPv4', mac: '02:42:ac:11:00:02', internal: false, cidr: '10.20.30.40/24' },
  ],
};

/** A pino logger writing JSON lines into `lines` (what the node would log). */
function capture(): { log: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

function problems(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('cluster.advertisedUrl: an http(s) URL of a reachable host, refused with a message naming the key', () => {
  assert.equal(parseConfig({ cluster: { advertisedUrl: 'http://10.1.2.3:8080/' } }).cluster.advertisedUrl, 'http://10.1.2.3:8080');
  assert.equal(parseConfig({ cluster: { advertisedUrl: 'https://node-7.cctv.example:443' } }).cluster.advertisedUrl, 'https://node-7.cctv.example:443', 'kept as given (a trailing / dropped)');
  assert.equal(parseConfig({}).cluster.advertisedUrl, undefined);
  for (const [bad, why] of [
    ['http://0.0.0.0:8080', /wildcard address/],
    ['http://[::]:8080', /wildcard address/],
    ['node-7:8080', /http:\/\/ or https:\/\//], // parses as a URL with scheme node-7:
    ['just words', /not an absolute URL/],
    ['ftp://10.1.2.3', /http:\/\/ or https:\/\//],
    ['http://10.1.2.3:8080/smartview', /no path/],
    ['http://user:pw@10.1.2.3:8080', /no path, query or credentials/],
  ] as const) {
    const p = problems({ cluster: { advertisedUrl: bad } });
    assert.equal(p.length, 1, `${bad}: ${p.join('; ')}`);
    assert.match(p[0]!, /^cluster\.advertisedUrl: /, `the message names the key: ${p[0]}`);
    assert.match(p[0]!, why, p[0]);
  }
});

test('the advertised URL: the setting when given; else server.host and the port, never a wildcard (warned)', () => {
  const { log, lines } = capture();
  const base = parseConfig({ cluster: { enabled: true }, server: { host: '127.0.0.1', port: 0 } });
  assert.equal(advertisedApiUrl(base, 41234, log, IFACES), 'http://127.0.0.1:41234');
  assert.equal(advertisedApiUrl(parseConfig({ cluster: { enabled: true, advertisedUrl: 'http://203.0.113.9:18080' }, server: { host: '0.0.0.0' } }), 8080, log, IFACES), 'http://203.0.113.9:18080');
  assert.equal(lines.length, 0, 'nothing to warn about so far');

  for (const host of ['0.0.0.0', '::']) {
    const url = advertisedApiUrl(parseConfig({ cluster: { enabled: true }, server: { host } }), 8080, log, IFACES);
    assert.equal(url, 'http://10.20.30.40:8080', `bind ${host}: this host's first non-loopback IPv4 address`);
  }
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.level, 40, 'a warning');
  assert.match(lines[0]!.msg, /wildcard address 0\.0\.0\.0.*set cluster\.advertisedUrl/);
  // only loopback on this host: loopback is all that can be said (and still warned)
  assert.equal(advertisedApiUrl(parseConfig({ cluster: { enabled: true }, server: { host: '0.0.0.0' } }), 8080, log, { lo: IFACES.lo }), 'http://127.0.0.1:8080');
  assert.equal(lines.length, 3);
  // an IPv6 bind address is bracketed
  assert.equal(advertisedApiUrl(parseConfig({ server: { host: '::1' } }), 9000, log, IFACES), 'http://[::1]:9000');
  assert.equal(reachableHostAddress({ eth0: [IFACES.eth0![0]!, { address: '2001:db8::5', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:42:ac:11:00:02', internal: false, cidr: '2001:db8::5/64', scopeid: 0 }] }), '[2001:db8::5]');
});
