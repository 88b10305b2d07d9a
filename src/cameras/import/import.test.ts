import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCameraCsv, type ParseResult } from './index';
import { GOOD_ROW, oneRow, toCsv } from './testing';

const HEADER = 'id,name,lat,lon,district,owner,rtsp_url';
const errorsOf = (r: ParseResult): string[][] => r.rows.map((x) => x.errors);

describe('parseCameraCsv: good files', () => {
  test('maps every column', () => {
    const r = parseCameraCsv(toCsv([{
      ...GOOD_ROW, address: '1, Main St\n"Old" town', sub_url: 'rtsp://10.0.0.1:554/sub', username: 'admin', password: 'pw',
      bearing: '90', fov: '62.5', tags: 'entrance; north ;;', live: 'Yes', playback: '0', retention_days: '30', transport: 'TCP',
    }]));
    assert.deepEqual(r.fileErrors, []);
    assert.deepEqual(r.rows, [{
      row: 2, id: 'cam-1', errors: [],
      input: {
        id: 'cam-1', name: 'North gate', owner: 'city',
        location: { lat: 52.52, lon: 13.405, district: 'Mitte', address: '1, Main St\n"Old" town' },
        source: { url: 'rtsp://10.0.0.1:554/main', subUrl: 'rtsp://10.0.0.1:554/sub', transport: 'tcp', username: 'admin', password: 'pw' },
        bearingDeg: 90, fovDeg: 62.5, tags: ['entrance', 'north'],
        sharing: { liveAllowed: true, playbackAllowed: false, retentionDays: 30 },
      },
    }]);
  });

  test('minimal row: defaults apply, empty cells are absent', () => {
    const [row] = parseCameraCsv(oneRow({ address: '', tags: '', bearing: '  ' })).rows;
    assert.deepEqual(row?.input, {
      id: 'cam-1', name: 'North gate', owner: 'city', location: { lat: 52.52, lon: 13.405, district: 'Mitte', address: '' },
      source: { url: 'rtsp://10.0.0.1:554/main', transport: 'auto' }, tags: [],
    });
  });

  test('credentials in the URL are split out; columns take precedence', () => {
    const r = parseCameraCsv(toCsv([
      { ...GOOD_ROW, rtsp_url: 'rtsp://admin:p%40ss@10.0.0.1/main' },
      { ...GOOD_ROW, id: 'cam-2', rtsp_url: 'rtsp://admin:old@10.0.0.1/main', password: 'new' },
    ]));
    assert.deepEqual(r.rows.map((x) => x.input?.source), [
      { url: 'rtsp://10.0.0.1/main', transport: 'auto', username: 'admin', password: 'p@ss' },
      { url: 'rtsp://10.0.0.1/main', transport: 'auto', username: 'admin', password: 'new' },
    ]);
  });

  test('BOM, CRLF, header case and spaces, blank lines (still counted as rows)', () => {
    const text = `\ufeff ID , Name,LAT,lon ,District,OWNER,Rtsp_Url\r\n\r\ncam-1,A,1,2,D,city,rtsp://h/1\r\n,,,,,,\r\n   \r\ncam-2,B,1,2,D,city,rtsp://h/2\r\n\r\n`;
    const r = parseCameraCsv(text);
    assert.deepEqual(r.fileErrors, []);
    assert.deepEqual(r.rows.map((x) => [x.row, x.id, x.errors]), [[3, 'cam-1', []], [6, 'cam-2', []]]);
  });

  test('a quoted newline does not shift the row numbers; mixed line ends', () => {
    const text = `${HEADER},address\n"cam-1",A,1,2,D,city,rtsp://h/1,"line 1\r\nline 2"\r\ncam-2,B,1,2,D,city,rtsp://h/2,\ncam-3,C,1,2,D,city,rtsp://h/3,x`;
    assert.deepEqual(parseCameraCsv(text).rows.map((x) => [x.row, x.input?.location.address]), [[2, 'line 1\r\nline 2'], [3, ''], [4, 'x']]);
  });

  test("semicolon-separated files (European spreadsheets) and a decimal-comma hint", () => {
    const r = parseCameraCsv(`${HEADER.replaceAll(',', ';')};tags\ncam-1;A;52,5;2;D;city;rtsp://h/1;a;b\ncam-2;A;"52.5";2;D;city;rtsp://h/1;"a;b"`);
    assert.deepEqual(r.rows.map((x) => x.errors), [
      ['row: has 9 fields but the header has 8 (an unquoted comma, or a missing quote?)'],
      [],
    ]);
    assert.deepEqual(parseCameraCsv(`${HEADER.replaceAll(',', ';')}\ncam-1;A;52,5;2;D;city;rtsp://h/1`).rows[0]?.errors,
      ['lat: not a number: "52,5" (use a dot as the decimal separator)']);
  });

  test('a header without rows is an empty import', () => {
    assert.deepEqual(parseCameraCsv(`${HEADER}\r\n`), { rows: [], fileErrors: [] });
  });
});

describe('parseCameraCsv: bad rows', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['missing name', { name: '' }, ['name: required']],
    ['blank name', { name: '   ' }, ['name: required']],
    ['missing lat and url', { lat: '', rtsp_url: '' }, ['lat: required', 'rtsp_url: required']],
    ['lat out of range', { lat: '90.0001' }, ['lat: must be between -90 and 90']],
    ['lon out of range', { lon: '-181' }, ['lon: must be between -180 and 180']],
    ['number with junk', { lat: '12abc' }, ['lat: not a number: "12abc"']],
    ['number words', { lon: 'Infinity', bearing: 'NaN', fov: '0x10' }, ['lon: not a number: "Infinity"', 'bearing: not a number: "NaN"', 'fov: not a number: "0x10"']],
    ['bearing out of range', { bearing: '361' }, ['bearing: must be between 0 and 360']],
    ['fov zero', { fov: '0' }, ['fov: must be between 0 (exclusive) and 360']],
    ['retention not whole', { retention_days: '1.5' }, ['retention_days: must be a whole number']],
    ['retention negative', { retention_days: '-3' }, ['retention_days: must be greater than 0']],
    ['bad boolean', { live: 'maybe' }, ['live: expected true/false, yes/no or 1/0, got "maybe"']],
    ['bad transport', { transport: 'quic' }, ['transport: must be one of tcp, udp, auto']],
    ['not a URL', { rtsp_url: 'camera 7' }, ['rtsp_url: not a valid URL (expected e.g. rtsp://host:554/path): camera 7']],
    ['unsupported scheme', { rtsp_url: 'ftp://h/x' }, ["rtsp_url: unsupported scheme 'ftp:' (expected rtsp, rtsps, http, https or file)"]],
    ['bad sub URL', { sub_url: 'javascript:alert(1)' }, ["sub_url: unsupported scheme 'javascript:' (expected rtsp, rtsps, http, https or file)"]],
    ['path traversal id', { id: '../../etc/passwd' }, ['id: letters, digits, dot, dash and underscore, 1–64 characters, starting with a letter or digit']],
    ['id too long', { id: 'a'.repeat(65) }, ['id: letters, digits, dot, dash and underscore, 1–64 characters, starting with a letter or digit']],
    ['bad owner', { owner: 'City Hall' }, ['owner: an organisation id (lower-case letters, digits, dash, underscore)']],
    ['very long name', { name: 'x'.repeat(100_000) }, ['name: too long (at most 200 characters)']],
    ['very long URL', { rtsp_url: `rtsp://h/${'p'.repeat(5000)}` }, ['rtsp_url: too long (at most 2048 characters)']],
    ['too many tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`).join(';') }, ['tags: too many (at most 50)']],
    ['tag too long', { tags: `ok;${'t'.repeat(65)}` }, ['tags: tag 2: too long (at most 64 characters)']],
    ['sub URL with other credentials', { rtsp_url: 'rtsp://a:one@h/1', sub_url: 'rtsp://a:two@h/2' },
      ['sub_url: its credentials differ from those in rtsp_url (a camera has one set of credentials)']],
    ['control characters are escaped', { bearing: '1\u001b[31m' }, ['bearing: not a number: "1\\u001b[31m"']],
  ];
  for (const [name, over, expected] of cases) {
    test(name, () => {
      const r = parseCameraCsv(oneRow(over));
      assert.deepEqual(r.fileErrors, []);
      assert.equal(r.rows.length, 1);
      assert.equal(r.rows[0]?.input, undefined);
      assert.deepEqual(r.rows[0]?.errors, expected);
    });
  }

  test('duplicate ids: every later one is rejected, naming the first row', () => {
    const r = parseCameraCsv(toCsv([GOOD_ROW, { ...GOOD_ROW, id: 'cam-2' }, GOOD_ROW, { ...GOOD_ROW, lat: '99' }]));
    assert.deepEqual(errorsOf(r), [[], [], ['id: duplicate of row 2'], ['id: duplicate of row 2', 'lat: must be between -90 and 90']]);
    assert.ok(r.rows[0]?.input && r.rows[1]?.input && !r.rows[2]?.input);
  });

  test('wrong field count is a row error; the other rows still parse', () => {
    const r = parseCameraCsv(`${HEADER}\ncam-1,A,1,2,D,city,rtsp://h/1\ncam-2,A,1,2,D,city,rtsp://h/1,extra\ncam-3,A\ncam-4,A,1,2,D,city,rtsp://h/1`);
    assert.deepEqual(r.rows.map((x) => [x.row, x.id, x.errors.length, !!x.input]), [[2, 'cam-1', 0, true], [3, 'cam-2', 1, false], [4, 'cam-3', 1, false], [5, 'cam-4', 0, true]]);
    assert.deepEqual(r.rows[1]?.errors, ['row: has 8 fields but the header has 7 (an unquoted comma, or a missing quote?)']);
  });

  test('every row has input xor errors', () => {
    const r = parseCameraCsv(toCsv([GOOD_ROW, { ...GOOD_ROW, id: 'x y' }, { ...GOOD_ROW, id: 'cam-3' }]));
    for (const row of r.rows) assert.ok((row.input === undefined) !== (row.errors.length === 0), JSON.stringify(row));
  });
});

describe('parseCameraCsv: file errors', () => {
  const fileCases: Array<[string, string, string[]]> = [
    ['empty', '', ['the file is empty: expected a header row such as id,name,lat,lon,district,owner,rtsp_url']],
    ['only blank lines', '\ufeff\r\n\r\n', ['the file is empty: expected a header row such as id,name,lat,lon,district,owner,rtsp_url']],
    ['unknown column', `${HEADER},Colour\ncam-1,A,1,2,D,city,rtsp://h/1,red`, [
      'header: unknown column "colour"; the known columns are id, name, lat, lon, district, address, owner, rtsp_url, sub_url, username, password, bearing, fov, tags, live, playback, retention_days, transport',
    ]],
    ['missing required', 'id,name,lat\n1,2,3', ['header: missing required columns lon, district, owner, rtsp_url']],
    ['column twice', `${HEADER},LAT\n`, ['header: column "lat" appears more than once']],
    ['column without a name', `${HEADER},,tags\n`, ['header: column 8 has no name']],
    ['quote never closed', `${HEADER}\ncam-1,A,1,2,D,city,rtsp://h/1\n\ncam-2,"A,1,2,D,city,\nrtsp://h/1\n\n`, ['CSV syntax error in row 4: a quoted field is never closed (a missing ")']],
  ];
  for (const [name, text, expected] of fileCases) {
    test(name, () => assert.deepEqual(parseCameraCsv(text), { rows: [], fileErrors: expected }));
  }
});

describe('parseCameraCsv: no error message contains a password', () => {
  const secrets = ['Sup3rS3cret!', 'pa/ss99word', 'p@ss word', 'T0psecret', 'hunter22'];
  const rows: Array<Record<string, string>> = [
    { ...GOOD_ROW, id: 'c1', password: 'Sup3rS3cret!', lat: '999', rtsp_url: 'ftp://h/x' },
    { ...GOOD_ROW, id: 'c2', password: 'Sup3rS3cret!', bearing: 'Sup3rS3cret!', fov: 'xSup3rS3cret!x' },
    { ...GOOD_ROW, id: 'c3', rtsp_url: 'rtsp://admin:pa/ss99word@10.0.0.1/x' },
    { ...GOOD_ROW, id: 'c4', rtsp_url: 'rtsp://admin:p@ss word@10.0.0.1/x', sub_url: 'not a url rtsp://u:T0psecret@h' },
    { ...GOOD_ROW, id: 'c5', rtsp_url: 'gopher://admin:hunter22@h/x', sub_url: `rtsp://u:hunter22@h/${'x'.repeat(3000)}` },
    { ...GOOD_ROW, id: 'c6', rtsp_url: `rtsp://admin:T0psecret@${'h'.repeat(300)}:99999/x` },
    { ...GOOD_ROW, id: 'c6', password: 'hunter22', name: '' },
  ];
  test('row errors are scrubbed', () => {
    const r = parseCameraCsv(toCsv(rows));
    assert.ok(r.rows.every((x) => x.errors.length > 0), JSON.stringify(errorsOf(r)));
    const all = JSON.stringify([r.fileErrors, errorsOf(r)]);
    for (const s of secrets) assert.ok(!all.includes(s), `leaked ${s}: ${all}`);
    assert.ok(all.includes('***'), 'redacted URLs are still recognisable');
  });
});

describe('parseCameraCsv: performance', () => {
  test('100,000 rows', { timeout: 60_000 }, () => {
    const lines = [`${HEADER},address,bearing,tags,live,transport`];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`cam-${i},"Camera ${i}, gate",${(i % 180) - 89.5},${(i % 360) - 179.5},D${i % 20},city,rtsp://u:p@10.0.${i % 256}.1/main,"Street ${i}",${i % 360},a;b,yes,tcp`);
    }
    const text = lines.join('\r\n');
    const started = performance.now();
    const r = parseCameraCsv(text);
    const ms = performance.now() - started;
    console.log(`parsed 100,000 CSV rows (${(text.length / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms`);
    assert.equal(r.rows.length, 100_000);
    assert.ok(r.rows.every((x) => x.input !== undefined));
    assert.ok(ms < 15_000, `took ${ms} ms`);
  });
});
