import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markdown, type Report, writeJson } from './report.js';
import { cost, type Result, throughput } from './result.js';

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
const machine = { node: 'v20', cpu: 'cpu', cores: 2, memGiB: 24, date: '2026-11-24T00:00:00.000Z' };
const report = (results: Result[], failures: Report['failures'] = []): Report => ({
  machine,
  size: 'full',
  results,
  failures,
});

describe('BENCHMARKS.md', () => {
  it('heads with a pass/fail table of the figures that carry an issue target, with value, baseline and ratio', () => {
    const text = markdown(
      report([
        { ...result, issue: 16 },
        {
          ...result,
          name: 'p99',
          value: 7.3,
          unit: 'ms',
          baselineValue: 0.38,
          ratio: 0.05,
          target: 'p99 ≤ 2 ms',
          meetsTarget: false,
          issue: 16,
        },
        { ...result, name: 'untargeted' },
      ]),
    );
    expect(text).toContain(
      'Machine: cpu, 2 cores, 24 GiB, Node v20. Date: 2026-11-24T00:00:00.000Z. Size: full.',
    );
    expect(text).toContain('## Targets (issue 16): 1 of 2 met');
    expect(text).toContain(
      '| signed orders/s | 2,500 orders/s | reference: 2,000 orders/s | 1.25× | ≥ 1× | pass |',
    );
    expect(text).toContain('| p99 | 7.300 ms | reference: 0.380 ms | 0.05× | p99 ≤ 2 ms | **FAIL** |');
    const targets = text.slice(text.indexOf('## Targets'), text.indexOf('## All figures'));
    expect(targets).not.toContain('untargeted');
    expect(text.slice(text.indexOf('## All figures'))).toContain('| signing | untargeted | 2,500 orders/s |');
  });

  it('counts a suite that did not finish as a failed target', () => {
    const text = markdown(
      report([{ ...result, issue: 16 }], [{ suite: 'cluster', error: 'timed out after 900 s' }]),
    );
    expect(text).toContain('## Targets (issue 16): 1 of 1 met, 1 suite(s) failed');
    expect(text).toContain(
      '| suite cluster did not finish: timed out after 900 s | — | — | — | — | **FAIL** |',
    );
  });

  it("prints a result's detail table under the tables, a cell's own pipe escaped", () => {
    const detailed: Result = {
      ...result,
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
    const text = markdown(report([detailed]));
    expect(text.indexOf('## Tick-to-order')).toBeGreaterThan(text.indexOf('## All figures'));
    expect(text).toContain(
      '## Tick-to-order\n\n10 signals, closed loop.\n\n| figure | p50 ms | p99 ms |\n|---|---|---|\n| total | 1.000 | 2.000 |\n',
    );
    expect(text).toContain('| hop: a \\| b | 0.500 | 0.900 |');
  });
});

describe('result builders', () => {
  const f = { suite: 's', name: 'n', unit: 'ms', baseline: 'floor' };

  it('a cost: ratio = baseline ÷ value, met when the value is within the bound', () => {
    const met = cost({ ...f, value: 2, baselineValue: 0.5 }, { max: 2 });
    expect(met).toMatchObject({ ratio: 0.25, target: '≤ 2 ms', meetsTarget: true });
    expect(cost({ ...f, value: 2.01, baselineValue: 0.5 }, { max: 2 }).meetsTarget).toBe(false);
    expect(cost({ ...f, value: Number.NaN, baselineValue: 0.5 }, { max: 2 }).meetsTarget).toBe(false);
  });

  it('a throughput: ratio = value ÷ baseline, met at the least ratio or the least value', () => {
    expect(throughput({ ...f, value: 7, baselineValue: 10 }, { minRatio: 0.7 })).toMatchObject({
      ratio: 0.7,
      meetsTarget: true,
    });
    expect(throughput({ ...f, value: 6.9, baselineValue: 10 }, { minRatio: 0.7 }).meetsTarget).toBe(false);
    expect(throughput({ ...f, value: 9_999, baselineValue: 10_000 }, { min: 10_000 }).meetsTarget).toBe(
      false,
    );
    expect(throughput({ ...f, value: 1, baselineValue: 0 }, { minRatio: 1 }).ratio).toBe(0);
  });
});

describe('the JSON report', () => {
  it('is written into a results folder that does not exist yet, and keeps every field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    try {
      const url = pathToFileURL(join(dir, 'bench', 'results', 'latest.json'));
      const r = report([result], [{ suite: 'x', error: 'boom' }]);
      writeJson(r, url);
      expect(JSON.parse(readFileSync(url, 'utf8'))).toEqual(r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
