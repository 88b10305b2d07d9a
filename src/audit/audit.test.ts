import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ValidationError } from '../core/errors';
import { toRecordBody } from './append';
import {
  GENESIS, canonicalJson, chainName, checkpointHash, checkpointPayload, checkpointSigningMessage, nextPartition, parseChainName,
  partitionEnd, partitionOf, partitionStart, recordHash, recordPayload, type HashedCheckpointFields, type HashedRecordFields,
} from './chain';

const utc = (iso: string): number => Date.parse(iso);

const base: HashedRecordFields = {
  chain: 'site-1:2026-11',
  chain_seq: 7,
  at: utc('2026-11-03T04:05:06.789Z'),
  actor_id: 'u-1',
  actor_name: 'alice',
  action: 'camera.create',
  target_type: 'camera',
  target_id: 'cam-1',
  camera_ids: '["cam-1"]',
  purpose: 'maintenance',
  case_ref: 'HK-1',
  ip: '10.0.0.1',
  outcome: 'ok',
  details: '{"a":1}',
  prev_hash: GENESIS,
};

describe('audit chain: canonical JSON', () => {
  test('sorts keys at every level, keeps array order, drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[3,1]},"b":1}');
    assert.equal(canonicalJson({ z: 1, a: 2 }), canonicalJson({ a: 2, z: 1 }));
    assert.equal(canonicalJson([undefined, null]), '[null,null]');
    assert.equal(canonicalJson({ when: new Date(0) }), '{"when":"1970-01-01T00:00:00.000Z"}');
  });

  test('rejects values JSON cannot carry faithfully', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), ValidationError);
    assert.throws(() => canonicalJson({ n: Infinity }), ValidationError);
    assert.throws(() => canonicalJson({ n: 1n }), ValidationError);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    assert.throws(() => canonicalJson(cyc), /cycle/);
    // the same object twice (not a cycle) is fine
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('audit chain: record hash', () => {
  test('is SHA-256 hex of the tagged JSON array (pinned test vector: the format must never change silently)', () => {
    const expected = createHash('sha256').update(recordPayload(base), 'utf8').digest('hex');
    assert.equal(recordHash(base), expected);
    assert.equal(
      recordPayload(base),
      String.raw`["smartview.audit.record.v1","site-1:2026-11",7,1793678706789,"u-1","alice","camera.create","camera","cam-1","[\"cam-1\"]","maintenance","HK-1","10.0.0.1","ok","{\"a\":1}","GENESIS"]`,
    );
    assert.equal(recordHash(base), '308645bda6a090f6443c1dad4144c070b39d0bca3623c227b7a85f3054e988e9');
  });

  test('every covered field changes the hash', () => {
    const h = recordHash(base);
    const variants: Partial<HashedRecordFields>[] = [
      { chain: 'site-2:2026-11' }, { chain_seq: 8 }, { at: base.at + 1 }, { actor_id: null }, { actor_name: 'bob' }, { action: 'camera.update' },
      { target_type: null }, { target_id: 'cam-2' }, { camera_ids: '[]' }, { purpose: null }, { case_ref: 'HK-2' }, { ip: null },
      { outcome: 'denied' }, { details: '{"a":2}' }, { prev_hash: 'x' },
    ];
    const seen = new Set([h]);
    for (const v of variants) {
      const other = recordHash({ ...base, ...v });
      assert.ok(!seen.has(other), `changing ${Object.keys(v)[0]} must change the hash`);
      seen.add(other);
    }
  });

  test('is unambiguous: shifting text between fields, null vs "null", separators inside values', () => {
    const a = recordHash({ ...base, actor_name: 'al', action: 'ice.camera' });
    const b = recordHash({ ...base, actor_name: 'alice', action: '.camera' });
    assert.notEqual(a, b);
    assert.notEqual(recordHash({ ...base, purpose: null }), recordHash({ ...base, purpose: 'null' }));
    assert.notEqual(recordHash({ ...base, actor_name: 'a","b' }), recordHash({ ...base, actor_name: 'a', action: 'b' }));
    assert.notEqual(recordHash({ ...base, target_id: '' }), recordHash({ ...base, target_id: null }));
  });
});

describe('audit chain: checkpoint hash', () => {
  const cp: HashedCheckpointFields = {
    chain: 'site-1:2026-11', node: 'site-1', partition: '2026-11', record_count: 3, first_at: 1, last_at: 2,
    last_hash: 'abc', prev_checkpoint_hash: GENESIS, created_at: 5,
  };
  test('covers every field and signs a prefixed message', () => {
    const h = checkpointHash(cp);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.match(checkpointPayload(cp), /^\["smartview\.audit\.checkpoint\.v1",/);
    for (const v of [{ record_count: 4 }, { first_at: null }, { last_at: 3 }, { last_hash: 'abd' }, { prev_checkpoint_hash: 'x' }, { created_at: 6 }, { partition: '2026-12' }]) {
      assert.notEqual(checkpointHash({ ...cp, ...v }), h);
    }
    assert.equal(checkpointSigningMessage(h), `smartview audit checkpoint v1\n${h}`);
  });
});

describe('audit chain: partitions (UTC)', () => {
  test('month and day partitions at the boundaries', () => {
    assert.equal(partitionOf(utc('2026-11-30T23:59:59.999Z'), 'month'), '2026-11');
    assert.equal(partitionOf(utc('2026-12-01T00:00:00.000Z'), 'month'), '2026-12');
    assert.equal(partitionOf(utc('2026-12-31T23:59:59.999Z'), 'day'), '2026-12-31');
    assert.equal(partitionOf(0, 'day'), '1970-01-01');
    assert.throws(() => partitionOf(1.5, 'month'), ValidationError);
    assert.throws(() => partitionOf(-1, 'month'), ValidationError);
  });

  test('next partition, start and end roll over months, years and leap days', () => {
    assert.equal(nextPartition('2026-12'), '2027-01');
    assert.equal(nextPartition('2028-02-28'), '2028-02-29');
    assert.equal(nextPartition('2027-02-28'), '2027-03-01');
    assert.equal(nextPartition('2026-12-31'), '2027-01-01');
    assert.equal(partitionStart('2026-11'), utc('2026-11-01T00:00:00Z'));
    assert.equal(partitionEnd('2026-11'), utc('2026-12-01T00:00:00Z'));
    assert.equal(partitionEnd('2026-11-30'), utc('2026-12-01T00:00:00Z'));
    assert.throws(() => partitionStart('2026-1'), ValidationError);
  });

  test('chain names', () => {
    assert.equal(chainName('site-1', '2026-11'), 'site-1:2026-11');
    assert.deepEqual(parseChainName('site-1:2026-11-05'), { node: 'site-1', partition: '2026-11-05' });
    assert.equal(parseChainName('site-1'), null);
    assert.equal(parseChainName('site-1:nope'), null);
  });
});

describe('audit entry normalisation', () => {
  test('system actor, canonical details and camera ids, defaults', () => {
    const b = toRecordBody({ actor: 'system', action: 'camera.import', cameraIds: ['c2', 'c1', 'c2'], details: { z: 1, a: [1] } }, 1000);
    assert.equal(b.actor_id, null);
    assert.equal(b.actor_name, 'system');
    assert.equal(b.camera_ids, '["c2","c1"]');
    assert.equal(b.details, '{"a":[1],"z":1}');
    assert.equal(b.outcome, 'ok');
    assert.equal(b.at, 1000);
  });

  test('rejects bad actions, outcomes and times; replaces NUL so both engines store the same text', () => {
    assert.throws(() => toRecordBody({ actor: 'system', action: 'Camera Create' }, 1), ValidationError);
    assert.throws(() => toRecordBody({ actor: 'system', action: 'x.y', outcome: 'maybe' as 'ok' }, 1), ValidationError);
    assert.throws(() => toRecordBody({ actor: 'system', action: 'x.y', at: 1.5 }, 1), ValidationError);
    assert.equal(toRecordBody({ actor: { id: 'u', name: 'a\u0000b' }, action: 'x.y' }, 1).actor_name, 'a\uFFFDb');
  });
});
