// `npm run bench`: every suite of the repository through the one harness (packages/bench), in an
// order that keeps the heavy process-level suites last; writes bench/results/latest.json and
// BENCHMARKS.md (a full, unfiltered run only). BENCH_SIZE=small: every suite at a size that only
// proves it works. BENCH_ONLY=a,b: those suites. The suites live beside the code they measure;
// the ones that span every service (tick-to-order, scaling, memory, recovery) live here.

import { runBench, type Suite } from '@hyperflow/bench';
import { busSuites } from '@hyperflow/bus/bench';
import { executionSuite } from '@hyperflow/execution/bench';
import { ingestSuite } from '@hyperflow/ingestor/bench';
import { ledgerSuite } from '@hyperflow/ledger/bench';
import { signingSuite } from '@hyperflow/signing/bench';
import { strategySuite } from '@hyperflow/strategy/bench';
import { findNatsServer } from '@hyperflow/testkit';
import { memorySuite } from './suites/memory.js';
import { recoverySuite } from './suites/recovery.js';
import { scalingSuite } from './suites/scaling.js';
import { stackSuite } from './suites/stack-pipeline.js';
import { clusterSuite, pipelineSuite, roundTripsSuite } from './suites/tick-to-order.js';

export const suites: readonly Suite[] = [
  signingSuite,
  ...busSuites,
  ledgerSuite,
  ingestSuite,
  strategySuite,
  executionSuite,
  pipelineSuite,
  roundTripsSuite,
  clusterSuite,
  scalingSuite,
  stackSuite,
  memorySuite,
  recoverySuite,
];

// every suite needs a nats-server in the supported range: refuse before any suite runs, so an old
// server never overwrites the reports with an empty run
try {
  process.stdout.write(`bench: nats-server ${findNatsServer()}\n`);
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
}

await runBench(suites, {
  json: new URL('./results/latest.json', import.meta.url),
  markdown: new URL('../BENCHMARKS.md', import.meta.url),
});
// a suite's leftover timer or socket must not keep a finished run alive
process.exit();
