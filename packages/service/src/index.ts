export { envBool, envInt, envList, envUrl } from './config/env.js';
export { type ConfigSchema, type Env, loadConfig, parseEnv } from './config/load-config.js';
export { ConfigError, type ConfigIssue, ServiceKitError } from './errors.js';
export { type HttpServer, type HttpServerOptions, startHttpServer } from './http/http-server.js';
export { Readiness, type ReadinessState } from './http/readiness.js';
export type { StopHook } from './lifecycle/stop-hooks.js';
export {
  createLogger,
  DEFAULT_REDACT_PATHS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './log/logger.js';
export { SCRUBBED_KEY, scrubHexKeys } from './log/scrub.js';
export { createMetrics, LATENCY_BUCKETS_SECONDS, type Metrics } from './metrics/metrics.js';
export {
  type MicroServiceOptions,
  registerMicroService,
  type ServiceStatus,
  statusSubject,
} from './micro/micro-service.js';
export { KitConfig, type RunServiceOptions, runService, type ServiceContext } from './run-service.js';
