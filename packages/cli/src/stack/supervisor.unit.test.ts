import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFlags } from './supervisor.js';

const root = mkdtempSync(join(tmpdir(), 'hyperflow-supervisor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function service(name: string, start: string | undefined): string {
  const dir = join(root, 'services', name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, scripts: start === undefined ? {} : { start } }),
  );
  return join(dir, 'dist', 'main.js');
}

describe('nodeFlags', () => {
  it("starts a service with its start script's Node.js flags (the ingestor's heap sizing)", () => {
    const entry = service('ingestor', 'node --max-semi-space-size=8 --heap-growing-percent=50 dist/main.js');
    expect(nodeFlags(entry)).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=50']);
  });

  it('adds nothing for a plain start script, none, or no package.json', () => {
    expect(nodeFlags(service('strategy', 'node dist/main.js'))).toEqual([]);
    expect(nodeFlags(service('other', undefined))).toEqual([]);
    expect(nodeFlags(service('tsx', 'tsx --watch src/main.ts'))).toEqual([]);
    expect(nodeFlags(join(root, 'nowhere', 'dist', 'main.js'))).toEqual([]);
  });

  it("reads the repository's ingestor flags", () => {
    const repo = new URL('../../../../', import.meta.url).pathname;
    expect(nodeFlags(join(repo, 'services/ingestor/dist/main.js'))).toEqual([
      '--max-semi-space-size=8',
      '--heap-growing-percent=50',
    ]);
  });
});
