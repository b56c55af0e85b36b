import { readFileSync } from 'node:fs';
import { CATALOG } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { contractSchemas } from './schemas.js';

describe('hyperflow schemas', () => {
  it('gives the same JSON Schema for every contract as the checked-in files (bar the $id)', () => {
    const all = contractSchemas();
    expect(Object.keys(all).sort()).toEqual(CATALOG.map((e) => e.name).sort());
    for (const name of Object.keys(all)) {
      const file = JSON.parse(
        readFileSync(new URL(`../../../contracts/schemas/${name}.json`, import.meta.url), 'utf8'),
      ) as Record<string, unknown>;
      const { $id: _id, ...rest } = file;
      expect(all[name], name).toEqual(rest);
    }
  });
});
