import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCameraGeoJson, type ParseResult } from './index';

const props = { id: 'cam-1', name: 'North gate', district: 'Mitte', owner: 'city', rtsp_url: 'rtsp://10.0.0.1/main' };
const point = (lon: unknown, lat: unknown): unknown => ({ type: 'Point', coordinates: [lon, lat] });
const feature = (p: Record<string, unknown> = props, geometry: unknown = point(13.405, 52.52), extra: object = {}): unknown => ({ type: 'Feature', geometry, properties: p, ...extra });
const fc = (...features: unknown[]): string => JSON.stringify({ type: 'FeatureCollection', features });
const errorsOf = (r: ParseResult): string[][] => r.rows.map((x) => x.errors);
const BASE_INPUT = {
  id: 'cam-1', name: 'North gate', owner: 'city', location: { lat: 52.52, lon: 13.405, district: 'Mitte', address: '' },
  source: { url: 'rtsp://10.0.0.1/main', transport: 'auto' }, tags: [],
};

describe('parseCameraGeoJson: good files', () => {
  test('flat properties named as the CSV columns; JSON types or strings', () => {
    const r = parseCameraGeoJson(fc(
      feature({ ...props, tags: ['a', ' b '], bearing: 90, fov: '62.5', live: true, playback: 'no', retention_days: 7, transport: 'udp', address: null }),
      feature({ ...props, id: 'cam-2', tags: 'a;b' }, { type: 'Point', coordinates: [13.405, 52.52, 35] }),
    ));
    assert.deepEqual(r.fileErrors, []);
    assert.deepEqual(r.rows[0], {
      row: 1, id: 'cam-1', errors: [],
      input: { ...BASE_INPUT, source: { url: 'rtsp://10.0.0.1/main', transport: 'udp' }, tags: ['a', 'b'], bearingDeg: 90, fovDeg: 62.5, sharing: { liveAllowed: true, playbackAllowed: false, retentionDays: 7 } },
    });
    assert.deepEqual(r.rows[1], { row: 2, id: 'cam-2', errors: [], input: { ...BASE_INPUT, id: 'cam-2', tags: ['a', 'b'] } });
  });

  test('the nested API shape, with lat/lon that agree with the geometry', () => {
    const r = parseCameraGeoJson(fc(feature({
      id: 'cam-1', name: 'North gate', owner: 'city', location: { district: 'Mitte', address: 'Main St 1', lat: 52.52, lon: 13.405 },
      source: { url: 'rtsp://admin:pw@10.0.0.1/main', subUrl: null, transport: 'tcp' }, bearingDeg: 10, sharing: { liveAllowed: false },
    })));
    assert.deepEqual(r.rows[0]?.input, {
      ...BASE_INPUT, location: { ...BASE_INPUT.location, address: 'Main St 1' },
      source: { url: 'rtsp://10.0.0.1/main', transport: 'tcp', username: 'admin', password: 'pw' }, bearingDeg: 10, sharing: { liveAllowed: false },
    });
  });

  test("the Feature's own id when properties have none; BOM tolerated", () => {
    const { id: _id, ...rest } = props;
    const r = parseCameraGeoJson(`\ufeff${fc(feature(rest, point(1, 2), { id: 'cam-9' }))}`);
    assert.deepEqual([r.rows[0]?.id, r.rows[0]?.errors], ['cam-9', []]);
  });

  test('an empty collection is an empty import', () => {
    assert.deepEqual(parseCameraGeoJson(fc()), { rows: [], fileErrors: [] });
  });
});

describe('parseCameraGeoJson: file errors', () => {
  const cases: Array<[string, string, string]> = [
    ['invalid JSON', '{"type": "FeatureCollection",\n "features": [}', "not valid JSON: Unexpected token '}'"],
    ['truncated JSON', '{"type": "FeatureCollection"', "not valid JSON (line 1, column 29): Expected ',' or '}' after property value"],
    ['empty text', '', 'not valid JSON: Unexpected end of JSON input'],
    ['not an object', '[1,2]', 'expected a GeoJSON FeatureCollection (a JSON object), got a list'],
    ['a single Feature', JSON.stringify(feature()), 'expected a GeoJSON FeatureCollection, got type "Feature" (wrap a single Feature in a FeatureCollection)'],
    ['features not a list', '{"type":"FeatureCollection","features":{}}', 'FeatureCollection: "features" must be a list, got an object'],
    ['unknown properties', fc(feature({ ...props, colour: 'red' }), feature({ ...props, location: { district: 'x', floor: 2 } })),
      'unknown properties "colour", "location.floor"; the known properties are id, name, lat, lon, district, address, owner, rtsp_url, sub_url, username, password, bearing, fov, tags, live, playback, retention_days, transport (or the API shape: location.*, source.*, sharing.*, bearingDeg, fovDeg)'],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => {
      const r = parseCameraGeoJson(text);
      assert.deepEqual(r, { rows: [], fileErrors: [expected] });
    });
  }

  test('a JSON syntax error never quotes the text (it could hold a password)', () => {
    const r = parseCameraGeoJson('{"type":"FeatureCollection","features":[{"properties":{"rtsp_url":"rtsp://u:Sup3rS3cret@h/"} x');
    assert.equal(r.fileErrors.length, 1);
    assert.ok(!r.fileErrors[0]?.includes('Sup3rS3cret'), r.fileErrors[0]);
  });
});

describe('parseCameraGeoJson: bad features', () => {
  const cases: Array<[string, unknown, string[]]> = [
    ['not a Feature', { type: 'Point', coordinates: [1, 2] }, ['feature: expected a GeoJSON Feature, got type "Point"']],
    ['null', null, ['feature: expected a GeoJSON Feature, got null']],
    ['no geometry', feature(props, null), ['geometry: missing (expected a Point with coordinates [lon, lat])']],
    ['LineString', feature(props, { type: 'LineString', coordinates: [[1, 2], [3, 4]] }), ['geometry: expected a Point, got type "LineString"']],
    ['coordinates as strings', feature(props, point('13.4', '52.5')), ['geometry: coordinates must be [lon, lat] (or [lon, lat, altitude]) as numbers']],
    ['one coordinate', feature(props, { type: 'Point', coordinates: [13.4] }), ['geometry: coordinates must be [lon, lat] (or [lon, lat, altitude]) as numbers']],
    ['lat out of range', feature(props, point(13.4, -90.5)), ['lat: must be between -90 and 90']],
    ['lon out of range', feature(props, point(181, 52.5)), ['lon: must be between -180 and 180']],
    ['properties lat differs', feature({ ...props, lat: 10 }), ["lat: the property (\"10\") differs from the geometry's coordinates (52.52)"]],
    ['properties not an object', feature([1] as unknown as Record<string, unknown>), ['properties: expected an object, got a list', 'id: required', 'name: required', 'district: required', 'owner: required', 'rtsp_url: required']],
    ['missing required and wrong types', feature({ id: 'cam-1', name: { first: 'x' }, bearing: true, tags: [1] }),
      ['name: expected text, got an object', 'district: required', 'owner: required', 'rtsp_url: required', 'bearing: not a number: "true"', 'tags: expected a list of text']],
    ['given twice, differently', feature({ ...props, bearing: 5, bearingDeg: 6 }), ['bearing: given twice with different values (also as "bearingDeg")']],
    ['bad nested object', feature({ ...props, source: 'rtsp://h/x' }), ['source: expected an object, got a string']],
    ['path traversal id', feature({ ...props, id: '../../etc/passwd' }), ['id: letters, digits, dot, dash and underscore, 1–64 characters, starting with a letter or digit']],
    ['hostile long values', feature({ ...props, name: 'n'.repeat(1_000_000), address: 'a'.repeat(501) }), ['name: too long (at most 200 characters)', 'address: too long (at most 500 characters)']],
  ];
  for (const [name, f, expected] of cases) {
    test(name, () => {
      const r = parseCameraGeoJson(fc(f));
      assert.deepEqual(r.fileErrors, []);
      assert.deepEqual(errorsOf(r), [expected]);
      assert.equal(r.rows[0]?.input, undefined);
    });
  }

  test('row numbers are feature indexes; duplicates name the first feature', () => {
    const r = parseCameraGeoJson(fc(feature(), feature({ ...props, id: 'cam-2' }, point(999, 0)), feature(), feature({ ...props, id: 'cam-2' })));
    assert.deepEqual(r.rows.map((x) => [x.row, x.id, x.errors]), [
      [1, 'cam-1', []],
      [2, 'cam-2', ['lon: must be between -180 and 180']],
      [3, 'cam-1', ['id: duplicate of row 1']],
      [4, 'cam-2', ['id: duplicate of row 2']],
    ]);
  });

  test('no error message contains a password', () => {
    const r = parseCameraGeoJson(fc(
      feature({ ...props, password: 'Sup3rS3cret!', bearing: 'Sup3rS3cret!' }),
      feature({ ...props, rtsp_url: 'rtsp://admin:pa/Sup3rS3cret!@h/x' }),
      feature({ ...props, source: { url: 'ftp://admin:Sup3rS3cret!@h/x', password: 'hunter22' } }, point(500, 500)),
    ));
    const all = JSON.stringify(r);
    assert.ok(r.rows.every((x) => x.errors.length > 0));
    for (const s of ['Sup3rS3cret', 'hunter22']) assert.ok(!all.includes(s), all);
  });
});
