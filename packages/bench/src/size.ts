// BENCH_SIZE=small runs every suite at a size that only proves it works (a shared, loaded machine
// gives meaningless numbers anyway); the default `full` is the size BENCHMARKS.md is written from.

export type BenchSize = 'full' | 'small';

export function benchSize(env: NodeJS.ProcessEnv = process.env): BenchSize {
  const v = env.BENCH_SIZE ?? 'full';
  if (v !== 'full' && v !== 'small') throw new RangeError(`BENCH_SIZE must be "full" or "small", got "${v}"`);
  return v;
}

/** `full` at the full size, `small` at BENCH_SIZE=small. */
export function sized<T>(full: T, small: T): T {
  return benchSize() === 'full' ? full : small;
}
