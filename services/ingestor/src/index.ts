// The ingestor as a library: for the local stack, the e2e tests and benchmarks.
export { type RunningIngestor, type StartIngestorOptions, startIngestor } from './app.js';
export { Channel, IngestorConfig, VENUE_URLS, venueUrls } from './config/config.js';
export { type PlannedSubscription, planSubscriptions } from './config/plan.js';
export { shardCoins, shardOf } from './config/shard.js';
export { IngestorError } from './errors.js';
export { Ingestor, type IngestorOptions } from './feed/ingestor.js';
export { normalizeFrame, subjectOf } from './feed/normalize.js';
