import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base32Decode, base32Encode, hotp, otpauthUri, totp, verifyTotp } from './totp';

// RFC 6238 Appendix B: seeds are the ASCII strings below; 8-digit codes.
const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it('matches every test vector of RFC 6238 appendix B (SHA-1, SHA-256, SHA-512)', () => {
    for (const [t, sha1, sha256, sha512] of VECTORS) {
      assert.equal(totp(SEED_SHA1, t * 1000, 8, 'sha1'), sha1, `sha1 t=${t}`);
      assert.equal(totp(SEED_SHA256, t * 1000, 8, 'sha256'), sha256, `sha256 t=${t}`);
      assert.equal(totp(SEED_SHA512, t * 1000, 8, 'sha512'), sha512, `sha512 t=${t}`);
    }
  });

  it('matches the HOTP vectors of RFC 4226 appendix D', () => {
    const want = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    want.forEach((code, counter) => assert.equal(hotp(SEED_SHA1, counter), code));
  });

  it('accepts one step of drift either side and never the same step twice', () => {
    const now = 1_700_000_000_000;
    const prev = totp(SEED_SHA1, now - 30_000);
    const next = totp(SEED_SHA1, now + 30_000);
    const step = verifyTotp(SEED_SHA1, totp(SEED_SHA1, now), now, null);
    assert.equal(step, Math.floor(now / 30_000));
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, now), now, step), null, 'replay refused');
    assert.equal(verifyTotp(SEED_SHA1, prev, now, null), step! - 1);
    assert.equal(verifyTotp(SEED_SHA1, next, now, null), step! + 1);
    assert.equal(verifyTotp(SEED_SHA1, totp(SEED_SHA1, now - 90_000), now, null), null, 'three steps old');
    assert.equal(verifyTotp(SEED_SHA1, 'abcdef', now, null), null);
  });

  it('base32 round-trips and builds an otpauth URI', () => {
    assert.equal(base32Encode(Buffer.from('12345678901234567890')), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    assert.deepEqual(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), Buffer.from('12345678901234567890'));
    const uri = otpauthUri('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'alice', 'SmartView');
    assert.match(uri, /^otpauth:\/\/totp\/SmartView:alice\?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=SmartView&algorithm=SHA1&digits=6&period=30$/);
  });
});
