import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grantsFromGroups, usernameFrom } from './external';

describe('external identities', () => {
  it('maps groups to grants case-insensitively and ignores unmapped groups', () => {
    const grants = grantsFromGroups(['CCTV-Investigators', 'staff'], [
      { group: 'cctv-investigators', role: 'investigator', organisations: null, districts: ['Sha Tin'] },
      { group: 'cctv-admins', role: 'administrator', organisations: null, districts: null },
    ]);
    assert.deepEqual(grants, [{ role: 'investigator', organisations: null, districts: ['Sha Tin'], expiresAt: null }]);
    assert.deepEqual(grantsFromGroups([], [{ group: 'x', role: 'viewer', organisations: null, districts: null }]), []);
  });

  it('derives valid local user names', () => {
    assert.equal(usernameFrom('Alice.Chan@police.example'), 'alice.chan');
    assert.equal(usernameFrom('陳大文'), 'user-x');
    assert.equal(usernameFrom('__bob smith'), 'bob-smith');
  });
});
