// Writes one JSON Schema file per contract (for consumers in other languages).
// `--check` exits non-zero when the checked-in files differ from the zod schemas.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CATALOG } from '../src/catalog.js';

const outDir = new URL('../schemas/', import.meta.url);
const check = process.argv.includes('--check');
mkdirSync(outDir, { recursive: true });

const expected = new Map<string, string>();
for (const entry of CATALOG) {
  const schema = {
    ...z.toJSONSchema(entry.schema, { target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: `https://hyperflow.dev/schemas/${entry.name}.json`,
    title: entry.name,
    description: `${entry.description} Subject: ${entry.subject}`,
  };
  expected.set(`${entry.name}.json`, `${JSON.stringify(schema, null, 2)}\n`);
}

const stale: string[] = [];
for (const [file, text] of expected) {
  const url = new URL(file, outDir);
  let current: string | undefined;
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) stale.push(file);
  else writeFileSync(url, text);
}
for (const file of readdirSync(outDir)) {
  if (file.endsWith('.json') && !expected.has(file)) stale.push(`${file} (no such contract)`);
}
if (stale.length > 0) {
  console.error(
    `JSON Schemas out of date: ${stale.join(', ')}. Run: npm run schemas -w @hyperflow/contracts`,
  );
  process.exit(1);
}
console.error(check ? `JSON Schemas up to date (${expected.size})` : `wrote ${expected.size} JSON Schemas`);
