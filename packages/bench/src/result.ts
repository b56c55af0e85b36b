// The one result type every suite returns, and the builders that fill its ratio and verdict the
// same way everywhere: ratio > 1 is always "better than the baseline".

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
  /** the issue whose target this is: such figures head BENCHMARKS.md as a pass/fail table */
  readonly issue?: number;
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

/** A named group of figures, run by `runBench`; it starts and stops everything it needs. */
export interface Suite {
  readonly name: string;
  run(): Promise<Result[]>;
}

interface Figure {
  readonly suite: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: string;
  readonly baselineValue: number;
  readonly issue?: number;
  readonly detail?: Detail;
}

/** A cost (latency, memory): lower is better, ratio = baseline ÷ value; the target is a bound on the value. */
export function cost(f: Figure, target: { readonly max: number; readonly text?: string } | string): Result {
  const ratio = f.value > 0 ? f.baselineValue / f.value : 0;
  if (typeof target === 'string') return { ...f, ratio, target, meetsTarget: true };
  return {
    ...f,
    ratio,
    target: target.text ?? `≤ ${target.max} ${f.unit}`,
    meetsTarget: Number.isFinite(f.value) && f.value <= target.max,
  };
}

/**
 * A throughput (or any "more is better" figure): ratio = value ÷ baseline; the target is a least
 * ratio (`minRatio`) or a least value (`min`).
 */
export function throughput(
  f: Figure,
  target: { readonly minRatio: number } | { readonly min: number } | string,
  text?: string,
): Result {
  const ratio = f.baselineValue > 0 ? f.value / f.baselineValue : 0;
  if (typeof target === 'string') return { ...f, ratio, target, meetsTarget: true };
  if ('minRatio' in target)
    return {
      ...f,
      ratio,
      target: text ?? `≥ ${target.minRatio}× baseline`,
      meetsTarget: ratio >= target.minRatio,
    };
  return { ...f, ratio, target: text ?? `≥ ${target.min} ${f.unit}`, meetsTarget: f.value >= target.min };
}
