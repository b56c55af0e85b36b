import { type Service, Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ReadinessState } from '../http/readiness.js';
import type { Logger } from '../log/logger.js';

export interface MicroServiceOptions {
  name: string;
  version: string;
  description?: string;
  metadata?: Record<string, string>;
  readiness: () => ReadinessState;
  log: Logger;
  /** Whatever the service wants to show: counts, lags, positions. */
  stats: () => unknown;
}

/** Answer of the `status` endpoint. */
export interface ServiceStatus extends ReadinessState {
  name: string;
  version: string;
  id: string;
  healthy: true;
  startedAt: string;
  stats: unknown;
}

/** Subject of a service's `status` endpoint: one per service name, shared by its replicas. */
export function statusSubject(name: string): string {
  return `svc.${name}.status`;
}

/**
 * Register as a NATS micro service (`$SRV.PING|INFO|STATS`, so `nats micro ls` finds it) with a
 * `status` endpoint answering JSON health, readiness and the service's stats.
 */
export async function registerMicroService(nc: NatsConnection, opts: MicroServiceOptions): Promise<Service> {
  const startedAt = new Date().toISOString();
  const svc = await new Svcm(nc).add({
    name: opts.name,
    version: opts.version,
    description: opts.description ?? '',
    metadata: opts.metadata ?? {},
    // `nats micro stats` shows this as the endpoint's data.
    statsHandler: async () => opts.stats() ?? null,
  });
  svc.addGroup(`svc.${opts.name}`).addEndpoint('status', {
    handler: (err, msg) => {
      if (err) {
        opts.log.warn({ err }, 'status endpoint subscription failed');
        return;
      }
      try {
        const status: ServiceStatus = {
          name: opts.name,
          version: opts.version,
          id: svc.ping().id,
          healthy: true,
          ...opts.readiness(),
          startedAt,
          stats: opts.stats() ?? null,
        };
        msg.respond(JSON.stringify(status));
      } catch (e) {
        opts.log.warn({ err: e }, 'status endpoint failed');
        msg.respondError(500, e instanceof Error ? e.message : 'status failed');
      }
    },
  });
  return svc;
}
