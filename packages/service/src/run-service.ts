import type { Service } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { envBool, envInt } from './config/env.js';
import { type ConfigSchema, type Env, parseEnv } from './config/load-config.js';
import { placeholderIssues } from './config/placeholders.js';
import { ConfigError } from './errors.js';
import { type HttpServer, startHttpServer } from './http/http-server.js';
import { Readiness } from './http/readiness.js';
import { onStdinClosed } from './lifecycle/parent-watch.js';
import { type StopHook, StopHooks } from './lifecycle/stop-hooks.js';
import { createLogger, type Logger } from './log/logger.js';
import { scrubHexKeys } from './log/scrub.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { registerMicroService } from './micro/micro-service.js';

/** Variables every service reads through the kit, beside its own schema. */
export const KitConfig = z.object({
  HTTP_PORT: envInt({ min: 0, max: 65_535 }).default(8080),
  /** loopback unless the deployment says otherwise (compose and Kubernetes set 0.0.0.0 themselves) */
  HTTP_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt({ min: 1 }).default(10_000),
  /**
   * shut down when stdin closes: a supervisor (`hyperflow up`) gives each child a stdin pipe, which
   * closes when the supervisor dies however it dies, so no child outlives it
   */
  EXIT_ON_STDIN_CLOSE: envBool().default(false),
});
export type KitConfig = z.infer<typeof KitConfig>;

/** What `start` gets: everything a service needs, built and wired. */
export interface ServiceContext<C, N extends NatsConnection | undefined = NatsConnection | undefined> {
  readonly name: string;
  readonly version: string;
  readonly config: Readonly<C>;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The connection `connectNats` returned; drained by the kit on shutdown. */
  readonly nc: N;
  /** The bound HTTP port (useful when `HTTP_PORT=0`). */
  readonly httpPort: number;
  /** Aborted when shutdown begins: stop taking new work. */
  readonly signal: AbortSignal;
  /** Run `hook` on shutdown; hooks run in reverse registration order, before NATS drains. */
  onShutdown(hook: StopHook, label?: string): void;
  /** `/readyz` and the `status` endpoint answer ready only after `setReady(true)`. */
  setReady(ready: boolean, reason?: string): void;
  /** Stats shown by the `status` endpoint and `nats micro stats`. */
  setStats(provider: () => unknown): void;
}

export interface RunServiceOptions<S extends ConfigSchema, N extends NatsConnection | undefined> {
  /** Micro service name: letters, digits, `-`, `_`. */
  name: string;
  /** Semver. */
  version: string;
  description?: string;
  metadata?: Record<string, string>;
  configSchema: S;
  env?: Env;
  redactPaths?: readonly string[];
  connectNats?: (config: Readonly<z.output<S>>, log: Logger) => Promise<N>;
  start: (ctx: ServiceContext<z.output<S>, N>) => Promise<void> | void;
}

/**
 * The one entry of a service's `main.ts`: config, logger, metrics, HTTP probes, NATS and micro
 * service registration, then `start`, then graceful shutdown on SIGTERM/SIGINT/SIGHUP (a closed
 * terminal) or, with EXIT_ON_STDIN_CLOSE, when the supervisor's pipe closes. Exits the process:
 * 0 after a clean shutdown, 1 on bad config, a failed start, a failed stop hook or a timeout.
 */
export async function runService<S extends ConfigSchema, N extends NatsConnection | undefined = undefined>(
  opts: RunServiceOptions<S, N>,
): Promise<void> {
  const env = opts.env ?? process.env;
  const kit = parseEnv(KitConfig, env);
  const own = parseEnv(opts.configSchema, env);
  const placeholders = placeholderIssues(env);
  if (!kit.ok || !own.ok || placeholders.length > 0) {
    const err = new ConfigError([
      ...(kit.ok ? [] : kit.issues),
      ...(own.ok ? [] : own.issues),
      ...placeholders,
    ]);
    // Plain text, no stack: the message names the variables and never their values.
    process.stderr.write(`${opts.name}: ${scrubHexKeys(err.message)}\n`);
    process.exit(1);
  }
  const kitConfig = kit.config;
  const config = own.config;

  const log = createLogger({
    service: opts.name,
    level: kitConfig.LOG_LEVEL,
    ...(opts.redactPaths ? { redactPaths: opts.redactPaths } : {}),
  });
  const metrics = createMetrics({ service: opts.name });
  const readiness = new Readiness();
  readiness.set('service', 'starting');
  const readinessState = () => readiness.state();
  metrics.gauge({
    name: 'service_ready',
    help: '1 when /readyz answers 200',
    collect() {
      this.set(readiness.state().ready ? 1 : 0);
    },
  });
  metrics
    .gauge({ name: 'service_info', help: 'Service version', labelNames: ['version'] })
    .set({ version: opts.version }, 1);

  const hooks = new StopHooks();
  const abort = new AbortController();
  let stats: () => unknown = () => null;
  let http: HttpServer | undefined;
  let nc: NatsConnection | undefined;
  let micro: Service | undefined;
  let stopping = false;

  const exit = (code: number): never => {
    log.flush();
    process.exit(code);
  };

  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down');
    readiness.set('shutdown', 'shutting down');
    abort.abort();
    // Not unref'd: a hook stuck on a promise with nothing else pending must still end in exit 1.
    const timer = setTimeout(() => {
      log.error({ timeoutMs: kitConfig.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      exit(1);
    }, kitConfig.SHUTDOWN_TIMEOUT_MS);
    let failed = 0;
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        failed += 1;
        log.error({ err }, `${what} failed`);
      }
    };
    const [m, conn, server] = [micro, nc, http];
    // Discovery and the status endpoint go first, then the service's own intake and in-flight work.
    if (m) await step('micro service stop', () => m.stop());
    failed += (await hooks.runAll(log)).failed;
    if (conn && !conn.isClosed()) await step('nats drain', () => conn.drain());
    if (server) await step('http close', () => server.close());
    clearTimeout(timer);
    const exitCode = code !== 0 ? code : failed > 0 ? 1 : 0;
    log.info({ exitCode }, 'stopped');
    exit(exitCode);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown, exiting now');
      exit(1);
    }
    void shutdown(signal, 0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onSignal);
  if (kitConfig.EXIT_ON_STDIN_CLOSE) {
    onStdinClosed(() => {
      log.warn({}, 'stdin closed: the supervisor is gone');
      void shutdown('supervisor gone', 0);
    });
  }
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    void shutdown('unhandled rejection', 1);
  });

  try {
    http = await startHttpServer({
      port: kitConfig.HTTP_PORT,
      host: kitConfig.HTTP_HOST,
      registry: metrics.registry,
      readiness: readinessState,
    });
    log.info({ port: http.port }, 'http listening');

    if (opts.connectNats) {
      nc = await opts.connectNats(config, log);
      if (nc) await watchNats(nc);
    }
    if (stopping) return;

    const ctx: ServiceContext<z.output<S>, N> = {
      name: opts.name,
      version: opts.version,
      config,
      log,
      metrics,
      nc: nc as N,
      httpPort: http.port,
      signal: abort.signal,
      onShutdown: (hook, label) => hooks.add(hook, label),
      setReady: (ready, reason) => readiness.set('service', ready ? null : (reason ?? 'not ready')),
      setStats: (provider) => {
        stats = provider;
      },
    };
    await opts.start(ctx);
    log.info({ version: opts.version }, 'started');
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await shutdown('start failed', 1);
  }

  async function watchNats(conn: NatsConnection): Promise<void> {
    void conn.closed().then((err) => {
      if (stopping) return;
      log.fatal({ err }, 'nats connection closed');
      void shutdown('nats connection closed', 1);
    });
    void (async () => {
      for await (const s of conn.status()) {
        if (s.type === 'disconnect') readiness.set('nats', 'nats disconnected');
        else if (s.type === 'reconnect') readiness.set('nats', null);
      }
    })();
    micro = await registerMicroService(conn, {
      name: opts.name,
      version: opts.version,
      ...(opts.description ? { description: opts.description } : {}),
      metadata: { ...opts.metadata, http_port: String(http?.port ?? '') },
      readiness: readinessState,
      log,
      stats: () => stats(),
    });
    log.info({ name: opts.name }, 'registered as nats micro service');
  }
}
