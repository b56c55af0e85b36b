import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Result, writeReports } from './report.js';

const result: Result = {
  suite: 'signing',
  name: 'signed orders/s',
  value: 2500,
  unit: 'orders/s',
  baseline: 'reference',
  baselineValue: 2000,
  ratio: 1.25,
  target: '≥ 1×',
  meetsTarget: true,
};
const m = { node: 'v20', cpu: 'cpu', cores: 2, memGiB: 24, date: '2026-11-24T00:00:00.000Z' };

describe('bench reports', () => {
  it('writes the JSON results and a markdown table with machine, date, ratio and target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    try {
      const json = pathToFileURL(join(dir, 'latest.json'));
      const md = pathToFileURL(join(dir, 'BENCHMARKS.md'));
      writeReports([result, { ...result, meetsTarget: false, ratio: 0.5 }], m, json, md);
      expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual({
        machine: m,
        results: [result, { ...result, meetsTarget: false, ratio: 0.5 }],
      });
      const text = readFileSync(md, 'utf8');
      expect(text).toContain('Machine: cpu, 2 cores, 24 GiB, Node v20. Date: 2026-11-24T00:00:00.000Z.');
      expect(text).toContain(
        '| signing | signed orders/s | 2,500 orders/s | reference: 2,000 orders/s | 1.25× | ≥ 1× | yes |',
      );
      expect(text).toContain('| 0.50× | ≥ 1× | **no** |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints a result's detail table under the main table, and keeps it in the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    try {
      const json = pathToFileURL(join(dir, 'latest.json'));
      const md = pathToFileURL(join(dir, 'BENCHMARKS.md'));
      const detailed: Result = {
        ...result,
        suite: 'pipeline',
        detail: {
          title: 'Tick-to-order',
          note: '10 signals, closed loop.',
          header: ['figure', 'p50 ms', 'p99 ms'],
          rows: [
            ['total', '1.000', '2.000'],
            ['hop: a | b', '0.500', '0.900'],
          ],
        },
      };
      writeReports([detailed], m, json, md);
      expect(JSON.parse(readFileSync(json, 'utf8')).results[0].detail.rows).toHaveLength(2);
      const text = readFileSync(md, 'utf8');
      const table = text.indexOf('| suite | figure |');
      const section = text.indexOf('## Tick-to-order');
      expect(table).toBeGreaterThan(-1);
      expect(section).toBeGreaterThan(table);
      expect(text).toContain(
        '## Tick-to-order\n\n10 signals, closed loop.\n\n| figure | p50 ms | p99 ms |\n|---|---|---|\n| total | 1.000 | 2.000 |\n',
      );
      // a cell's own pipe must not split the row
      expect(text).toContain('| hop: a \\| b | 0.500 | 0.900 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
