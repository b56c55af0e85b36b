import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One measured figure, compared against a baseline measured in the same run. */
export interface Result {
  readonly suite: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** what the ratio is against, e.g. "ethers signTypedData" */
  readonly baseline: string;
  readonly baselineValue: number;
  /** value ÷ baseline for throughputs, baseline ÷ value for costs: > 1 is always "better than baseline" */
  readonly ratio: number;
  /** the target, in words, and whether this run meets it */
  readonly target: string;
  readonly meetsTarget: boolean;
  /** extra table printed under the main one (e.g. percentiles and the per-hop split) */
  readonly detail?: Detail;
}

/** A table of its own in BENCHMARKS.md (and kept in the JSON): title, a note, rows of cells. */
export interface Detail {
  readonly title: string;
  readonly note?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly date: string;
}

export function machine(now: Date): Machine {
  const cpu = cpus()[0]?.model ?? 'unknown';
  return {
    node: process.version,
    cpu,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    date: now.toISOString(),
  };
}

export function writeReports(results: readonly Result[], m: Machine, jsonUrl: URL, mdUrl: URL): void {
  writeFileSync(jsonUrl, `${JSON.stringify({ machine: m, results }, null, 2)}\n`);
  const rows = results.map(
    (r) =>
      `| ${r.suite} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.baseline}: ${fmt(r.baselineValue)} ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.target} | ${r.meetsTarget ? 'yes' : '**no**'} |`,
  );
  const md = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (never by hand). Every figure is compared with a baseline measured in the',
    'same run on the same machine, because these machines are shared and noisy: read the ratios, not the',
    'absolute numbers. Ratio > 1 means better than the baseline. Raw results: `bench/results/latest.json`.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}. Date: ${m.date}.`,
    '',
    '| suite | figure | value | baseline (same run) | ratio | target | meets |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...results.flatMap((r) => (r.detail === undefined ? [] : detailLines(r.detail))),
    'Per-service suites run by the same `npm run bench` (turbo) write their own results beside them:',
    '`services/ingestor/bench/results/latest.json` (raw frames → JetStream vs the JSON.parse + raw publish floor,',
    'memory per 100 subscriptions), `services/strategy/bench/results/latest.json` (events/s vs a no-op host,',
    'tick → signal over NATS vs a plain publish → subscribe) and `services/execution/bench/results/latest.json`',
    '(signal → order sent vs one JetStream hop). The stack, memory and recovery suites above run each service as its',
    'own process from its built entry (`npm run build` first; `npm run bench` does it through turbo).',
    '',
  ].join('\n');
  writeFileSync(mdUrl, md);
}

function detailLines(d: Detail): string[] {
  const cells = (cs: readonly string[]) => `| ${cs.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
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

function fmt(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
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
