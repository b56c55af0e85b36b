// `npm run bench`: runs every suite, prints each figure against its baseline and target, and
// writes bench/results/latest.json and BENCHMARKS.md. A benchmark never fails CI.
import { findNatsServer } from '@hyperflow/testkit';
import { machine, type Result, writeReports } from './report.js';
import { ingestSuite } from './suites/ingest.js';
import { ledgerSuite } from './suites/ledger.js';
import { memorySuite } from './suites/memory.js';
import { pipelineSuite } from './suites/pipeline.js';
import { publishSuite } from './suites/publish.js';
import { recoverySuite } from './suites/recovery.js';
import { signingSuite } from './suites/signing.js';
import { stackPipelineSuite } from './suites/stack-pipeline.js';

const suites: [string, () => Promise<Result[]>][] = [
  ['signing', signingSuite],
  ['publish', publishSuite],
  ['ingest', ingestSuite],
  ['ledger', ledgerSuite],
  ['pipeline', pipelineSuite],
  ['stack', stackPipelineSuite],
  ['memory', memorySuite],
  ['recovery', recoverySuite],
];

// every suite needs a nats-server in the supported range: refuse before any suite runs, so an old
// server never overwrites the reports with an empty run
try {
  console.log(`bench: nats-server ${findNatsServer()}`);
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
}

const results: Result[] = [];
for (const [name, suite] of suites) {
  console.log(`bench: ${name}…`);
  try {
    for (const r of await suite()) {
      results.push(r);
      console.log(
        `  ${r.name}: ${r.value.toFixed(r.value < 10 ? 3 : 1)} ${r.unit} vs ${r.baseline} ${r.baselineValue.toFixed(r.baselineValue < 10 ? 3 : 1)} → ${r.ratio.toFixed(2)}× (target ${r.target}: ${r.meetsTarget ? 'met' : 'NOT met'})`,
      );
      if (r.detail) for (const row of r.detail.rows) console.log(`    ${row.join(' | ')}`);
    }
  } catch (err) {
    console.error(`bench: ${name} failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
const root = new URL('../../../', import.meta.url);
writeReports(
  results,
  machine(new Date()),
  new URL('bench/results/latest.json', root),
  new URL('BENCHMARKS.md', root),
);
console.log('bench: wrote bench/results/latest.json and BENCHMARKS.md');
