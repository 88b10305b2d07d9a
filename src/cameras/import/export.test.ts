import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { cameraInputSchema, type Camera } from '../camera.model';
import {
  cameraToInput, camerasToCsv, camerasToCsvChunks, camerasToGeoJson, camerasToGeoJsonChunks, parseCameraCsv, parseCameraGeoJson,
} from './index';
import { camera } from './testing';

const tricky: Camera[] = [
  camera(1, { name: 'Gate, "north"\nsecond line', tags: ['a b', 'ü-ß 🚦'] }),
  camera(2, { name: '=HYPERLINK("http://evil/")', location: { lat: -89.999999, lon: 179.123456789, district: '+District', address: '@SUM(A1)' }, tags: ['-x', '=y'] }),
  camera(3, { name: "'=already escaped", location: { lat: 0, lon: -180, district: "''-two quotes", address: ' ' } }),
  camera(4, { bearingDeg: 0, fovDeg: 360, sharing: { liveAllowed: false, playbackAllowed: false, retentionDays: 1 } }),
  camera(5, { source: { url: 'file:///srv/demo.mp4', subUrl: 'https://cdn.example/a@b/x.m3u8', transport: 'udp', hasCredentials: false } }),
];
const many = (n: number): Camera[] => Array.from({ length: n }, (_, i) => camera(i + 100));
const expectedInputs = (cams: Camera[]) => cams.map((c) => cameraInputSchema.parse(cameraToInput(c)));

async function* pagesOf(cams: Camera[], size: number): AsyncGenerator<Camera[]> {
  for (let i = 0; i < cams.length; i += size) yield cams.slice(i, i + size);
  yield []; // an empty last page must not break the output
}
async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('camerasToCsv', () => {
  test('header: the import columns without credentials', () => {
    assert.equal(camerasToCsv([]), 'id,name,lat,lon,district,address,owner,rtsp_url,sub_url,bearing,fov,tags,live,playback,retention_days,transport\r\n');
  });

  test('values, quoting and formula escaping', () => {
    const records = parse(camerasToCsv(tricky.slice(0, 2)), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(records[0], {
      id: 'cam-1', name: 'Gate, "north"\nsecond line', lat: String(tricky[0]?.location.lat), lon: String(tricky[0]?.location.lon),
      district: 'District 1', address: 'Street 1, Berlin', owner: 'city', rtsp_url: 'rtsp://10.0.0.1:554/main', sub_url: 'rtsp://10.0.0.1:554/sub1',
      bearing: '1', fov: '90.5', tags: 'a b;ü-ß 🚦', live: 'false', playback: 'false', retention_days: '30', transport: 'auto',
    });
    assert.deepEqual([records[1]?.name, records[1]?.district, records[1]?.address, records[1]?.tags, records[1]?.lat],
      ['\'=HYPERLINK("http://evil/")', "'+District", "'@SUM(A1)", "'-x;=y", '-89.999999']);
  });

  test('never a credential, even if one slipped into a stored URL', () => {
    const leaky = camera(7, { source: { url: 'rtsp://admin:Sup3rS3cret@10.0.0.7/main', subUrl: 'rtsp://admin:pa/Sup3rS3cret@h', transport: 'tcp', hasCredentials: true } });
    for (const text of [camerasToCsv([leaky]), camerasToGeoJson([leaky])]) {
      assert.ok(!text.includes('Sup3rS3cret') && !text.includes('admin'), text);
      assert.ok(!/password|username|hasCredentials/i.test(text), text);
    }
  });
});

describe('camerasToGeoJson', () => {
  test('a FeatureCollection of Points with the CSV column names as properties', () => {
    const doc = JSON.parse(camerasToGeoJson([tricky[1] as Camera]));
    assert.equal(doc.type, 'FeatureCollection');
    assert.deepEqual(doc.features[0], {
      type: 'Feature', geometry: { type: 'Point', coordinates: [179.123456789, -89.999999] },
      properties: {
        id: 'cam-2', name: '=HYPERLINK("http://evil/")', district: '+District', address: '@SUM(A1)', owner: 'city',
        rtsp_url: 'rtsp://10.0.0.2:554/main', sub_url: null, bearing: 2, fov: 90.5, tags: ['-x', '=y'],
        live: true, playback: false, retention_days: 30, transport: 'auto',
      },
    });
    assert.deepEqual(JSON.parse(camerasToGeoJson([])), { type: 'FeatureCollection', features: [] });
  });
});

describe('round trip: export → parse gives the same inputs', () => {
  const cams = [...tricky, ...many(200)];
  test('CSV', () => {
    const r = parseCameraCsv(camerasToCsv(cams));
    assert.deepEqual(r.fileErrors, []);
    assert.deepEqual(r.rows.filter((x) => x.errors.length > 0), []);
    assert.deepEqual(r.rows.map((x) => x.input), expectedInputs(cams));
    assert.deepEqual(r.rows.map((x) => x.row), cams.map((_, i) => i + 2));
  });
  test('GeoJSON', () => {
    const r = parseCameraGeoJson(camerasToGeoJson(cams));
    assert.deepEqual(r.fileErrors, []);
    assert.deepEqual(r.rows.map((x) => x.input), expectedInputs(cams));
    assert.deepEqual(r.rows.map((x) => x.row), cams.map((_, i) => i + 1));
  });
});

describe('streaming export', () => {
  for (const [name, toChunks, toText] of [
    ['CSV', camerasToCsvChunks, camerasToCsv],
    ['GeoJSON', camerasToGeoJsonChunks, camerasToGeoJson],
  ] as const) {
    test(`${name}: the chunks join to the one-string export, one chunk per page`, async () => {
      for (const n of [0, 1, 5, 250]) {
        const cams = many(n);
        const chunks = await collect(toChunks(pagesOf(cams, 100)));
        assert.equal(chunks.join(''), toText(cams), `${n} cameras`);
        assert.equal(chunks.length, Math.ceil(n / 100) + (name === 'CSV' ? 1 : 2));
      }
    });
  }

  test('100,000 cameras stream in bounded chunks', { timeout: 60_000 }, async () => {
    const cams = many(100_000);
    const started = performance.now();
    const chunks = await collect(camerasToCsvChunks(pagesOf(cams, 1000)));
    const exportMs = performance.now() - started;
    assert.equal(chunks.length, 101);
    assert.ok(Math.max(...chunks.map((c) => c.length)) < 200_000);
    console.log(`exported 100,000 cameras as CSV in ${exportMs.toFixed(0)} ms`);
    const r = parseCameraCsv(chunks[0]! + chunks.at(-1)!); // the header and the last page
    assert.deepEqual(r.rows.map((x) => x.id), cams.slice(-1000).map((c) => c.id));
    assert.ok(r.rows.every((x) => x.input !== undefined));
  });
});
