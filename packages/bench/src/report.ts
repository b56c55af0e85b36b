// The one report writer: bench results JSON and BENCHMARKS.md (a pass/fail table of every target,
// then every figure, then the detail tables).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Detail, Result } from './result.js';
import type { BenchSize } from './size.js';

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly date: string;
}

/** A suite that threw or timed out: its targets count as not met. */
export interface SuiteFailure {
  readonly suite: string;
  readonly error: string;
}

export interface Report {
  readonly machine: Machine;
  readonly size: BenchSize;
  readonly results: readonly Result[];
  readonly failures: readonly SuiteFailure[];
}

export function machine(now: Date): Machine {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    date: now.toISOString(),
  };
}

/** Writes the report as JSON, making its folder first (a workspace's first run has no results/). */
export function writeJson(report: Report, url: URL): void {
  mkdirSync(new URL('./', url), { recursive: true });
  writeFileSync(url, `${JSON.stringify(report, null, 2)}\n`);
}

export function writeMarkdown(report: Report, url: URL): void {
  writeFileSync(url, markdown(report));
}

export function markdown(r: Report): string {
  const m = r.machine;
  const targets = r.results.filter((x) => x.issue !== undefined);
  const issues = [...new Set(targets.map((x) => x.issue as number))].sort((a, b) => a - b);
  const met = targets.filter((x) => x.meetsTarget).length;
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (never by hand). Every figure is compared with a baseline measured in the',
    'same run on the same machine: read the ratios as much as the absolute numbers. Ratio > 1 means better',
    'than the baseline. Raw results: `bench/results/latest.json`.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}. Date: ${m.date}. Size: ${r.size}.`,
    '',
    ...(targets.length === 0 && r.failures.length === 0
      ? []
      : [
          `## Targets (issue ${issues.join(', ') || '—'}): ${met} of ${targets.length} met${r.failures.length > 0 ? `, ${r.failures.length} suite(s) failed` : ''}`,
          '',
          '| figure | value | baseline (same run) | ratio | target | result |',
          '|---|---|---|---|---|---|',
          ...targets.map(
            (x) =>
              `| ${cell(x.name)} | ${fmt(x.value)} ${x.unit} | ${cell(x.baseline)}: ${fmt(x.baselineValue)} ${x.unit} | ${x.ratio.toFixed(2)}× | ${cell(x.target)} | ${x.meetsTarget ? 'pass' : '**FAIL**'} |`,
          ),
          ...r.failures.map(
            (f) => `| suite ${cell(f.suite)} did not finish: ${cell(f.error)} | — | — | — | — | **FAIL** |`,
          ),
          '',
        ]),
    '## All figures',
    '',
    '| suite | figure | value | baseline (same run) | ratio | target | meets |',
    '|---|---|---|---|---|---|---|',
    ...r.results.map(
      (x) =>
        `| ${cell(x.suite)} | ${cell(x.name)} | ${fmt(x.value)} ${x.unit} | ${cell(x.baseline)}: ${fmt(x.baselineValue)} ${x.unit} | ${x.ratio.toFixed(2)}× | ${cell(x.target)} | ${x.meetsTarget ? 'yes' : '**no**'} |`,
    ),
    '',
    ...r.results.flatMap((x) => (x.detail === undefined ? [] : detailLines(x.detail))),
  ].join('\n');
}

/** One line per result for the console. */
export function consoleLine(x: Result): string {
  return `  ${x.name}: ${fmt(x.value)} ${x.unit} vs ${x.baseline} ${fmt(x.baselineValue)} → ${x.ratio.toFixed(2)}× (target ${x.target}: ${x.meetsTarget ? 'pass' : 'FAIL'})`;
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function detailLines(d: Detail): string[] {
  const cells = (cs: readonly string[]) => `| ${cs.map(cell).join(' | ')} |`;
  return [
    `## ${d.title}`,
    '',
    ...(d.note === undefined ? [] : [d.note, '']),
    cells(d.header),
    `|${d.header.map(() => '---').join('|')}|`,
    ...d.rows.map(cells),
    '',
  ];
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** Runs `fn` n times after a warm-up and returns µs per call. */
export async function timeUs(
  fn: (i: number) => unknown,
  n: number,
  warmup = Math.min(200, n),
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}
