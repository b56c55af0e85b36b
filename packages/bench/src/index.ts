// The benchmark harness: one result type, one runner, one report writer, and the measuring tools
// the suites share. It imports no service: the services' suites import it.
export { natsFloor } from './floor.js';
export {
  fmtMs,
  type Histogram,
  histogram,
  PERCENTILE_HEADER,
  pct,
  pctMs,
  percentileRow,
  record,
} from './histogram.js';
export {
  freePort,
  httpGet,
  httpOk,
  killAll,
  nowMs,
  type Proc,
  REPO_ROOT,
  rssBytes,
  type ServiceName,
  sampleRss,
  sleep,
  spawnService,
  spawnTracked,
  waitUntil,
} from './processes.js';
export { fmt, type Machine, machine, markdown, type Report, type SuiteFailure, timeUs } from './report.js';
export { exhausted, measureUsage, parseMachineStat, parseProcStat, type Usage } from './resources.js';
export { cost, type Detail, type Result, type Suite, throughput } from './result.js';
export { type RunOptions, runBench, selectSuites } from './run.js';
export { type BenchSize, benchSize, sized } from './size.js';
export { parseVmRss, promValue, type Summary, summarize } from './stats.js';
