import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Runs the repository's own Biome config over probe files laid out like the tree, so the rule that
// keeps core folders pure is shown catching an I/O import (and leaving the edges alone).
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const biome = join(repo, 'node_modules/.bin/biome');
const work = mkdtempSync(join(tmpdir(), 'core-purity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const probe = (path: string, source: string) => {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), source);
};

interface Diagnostic {
  readonly category: string;
  readonly location: { readonly path: string };
}

describe('core purity lint rule', () => {
  it('flags node:*, NATS and logger imports in core folders, not at the edges or in tests', async () => {
    copyFileSync(join(repo, 'biome.json'), join(work, 'biome.json'));
    const fsImport = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    probe('packages/core/src/io.ts', fsImport);
    probe(
      'packages/contracts/src/io.ts',
      "import { connect } from '@nats-io/transport-node';\nexport const c = connect;\n",
    );
    probe('services/x/src/risk/io.ts', "import { pino } from 'pino';\nexport const p = pino;\n");
    probe(
      'services/x/src/order/io.ts',
      "import { createHash } from 'crypto';\nexport const h = createHash;\n",
    );
    probe('services/x/src/runtime/io.ts', fsImport);
    probe('services/x/src/strategies/io.unit.test.ts', fsImport);
    probe('services/x/src/strategies/pure.ts', "import { z } from 'zod';\nexport const s = z.string();\n");

    const { stdout } = await promisify(execFile)(biome, ['lint', '--reporter=json', '.'], {
      cwd: work,
    }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    const diagnostics = (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    const flagged = diagnostics
      .filter((d) => d.category === 'lint/style/noRestrictedImports')
      .map((d) => d.location.path)
      .sort();
    expect(flagged).toEqual([
      'packages/contracts/src/io.ts',
      'packages/core/src/io.ts',
      'services/x/src/order/io.ts',
      'services/x/src/risk/io.ts',
    ]);
  });
});
