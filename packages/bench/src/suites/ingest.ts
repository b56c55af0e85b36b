import { ingestThroughputSuite } from '@hyperflow/ingestor/bench';
import type { Result } from '../report.js';

/**
 * Ingest throughput (raw venue frames → JetStream through the real ingestor path) for trades,
 * l2Book and mixed traffic, each against the JSON.parse + raw core publish floor of the same bytes:
 * the measurement code of services/ingestor/bench, run here so the figures land in BENCHMARKS.md.
 */
export async function ingestSuite(): Promise<Result[]> {
  return ingestThroughputSuite();
}
