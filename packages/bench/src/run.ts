// The one runner: runs suites in order, prints each figure against its baseline and target, and
// writes the reports. A full-size, unfiltered run writes `<json>` and BENCHMARKS.md; BENCH_SIZE=small
// or BENCH_ONLY writes `<json minus .json>-small.json` / `-partial.json` only, so a trial run on a
// loaded machine never replaces the published figures. A missed target never fails the process;
// a suite that throws or times out does (exit code 1), after the others ran.
import { killAll } from './processes.js';
import { consoleLine, machine, type Report, type SuiteFailure, writeJson, writeMarkdown } from './report.js';
import type { Result, Suite } from './result.js';
import { benchSize } from './size.js';

export interface RunOptions {
  /** where the full run's JSON goes */
  readonly json: URL;
  /** BENCHMARKS.md, written by a full, unfiltered run only */
  readonly markdown?: URL;
  /** a suite still running after this long is abandoned and counted as failed; default BENCH_SUITE_TIMEOUT_MS or 8 min */
  readonly suiteTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** Suites named in BENCH_ONLY (comma-separated), or all of them. */
export function selectSuites(suites: readonly Suite[], only: string | undefined): Suite[] {
  if (only === undefined || only.trim() === '') return [...suites];
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new RangeError(
      `BENCH_ONLY: no suite ${unknown.join(', ')} (have ${suites.map((s) => s.name).join(', ')})`,
    );
  return suites.filter((s) => names.includes(s.name));
}

export async function runBench(all: readonly Suite[], o: RunOptions): Promise<Report> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const size = benchSize();
  const suites = selectSuites(all, process.env.BENCH_ONLY);
  const partial = suites.length < all.length;
  const timeoutMs = o.suiteTimeoutMs ?? Number(process.env.BENCH_SUITE_TIMEOUT_MS ?? 8 * 60_000);
  const results: Result[] = [];
  const failures: SuiteFailure[] = [];
  for (const suite of suites) {
    log(`bench: ${suite.name} (${size})…`);
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      });
      const got = await Promise.race([suite.run(), timeout]);
      for (const r of got) {
        results.push(r);
        log(consoleLine(r));
      }
      log(`bench: ${suite.name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      const error = (err as Error).message.split('\n')[0] ?? String(err);
      failures.push({ suite: suite.name, error });
      log(`bench: ${suite.name} FAILED: ${(err as Error).message}`);
      process.exitCode = 1;
      // a suite abandoned mid-way may leave its child processes: none outlives it
      await killAll();
    } finally {
      clearTimeout(timer);
    }
  }
  const report: Report = { machine: machine(new Date()), size, results, failures };
  const full = size === 'full' && !partial;
  const json = full
    ? o.json
    : new URL(o.json.href.replace(/\.json$/, size === 'small' ? '-small.json' : '-partial.json'));
  writeJson(report, json);
  log(`bench: wrote ${json.pathname}`);
  if (full && o.markdown !== undefined) {
    writeMarkdown(report, o.markdown);
    log(`bench: wrote ${o.markdown.pathname}`);
  }
  const targets = results.filter((r) => r.issue !== undefined);
  log(
    `bench: ${targets.filter((r) => r.meetsTarget).length} of ${targets.length} targets met; ${failures.length} suite(s) failed`,
  );
  return report;
}
