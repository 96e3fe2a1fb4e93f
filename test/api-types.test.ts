import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { apiTypes, schemaFile } from '../web/generate-api-types.js';

it('web/src/api/schema.d.ts is what the server’s OpenAPI document generates (run npm run web:api-types)', async () => {
  expect(readFileSync(schemaFile, 'utf8')).toBe(await apiTypes());
});
