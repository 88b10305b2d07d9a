import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateSdk, SDK_FILE } from '../../scripts/generate-sdk';

test('the web app\'s generated API types match the server\'s OpenAPI document', async () => {
  const fresh = await generateSdk();
  assert.ok(fresh.includes('"/api/cameras/import"'), 'the document lists the routes');
  assert.equal(readFileSync(SDK_FILE, 'utf8'), fresh, 'web/src/api/generated/openapi.ts is stale: run `npm run sdk:generate` and commit it');
});
