import { readFileSync } from 'node:fs';
import { type Logger, silentLogger } from '@hyperflow/core';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixFor } from './access/nats-conf.js';
import { BusError } from './errors.js';

export interface BusConnectOptions {
  /** one URL or a list (`nats://host:4222`) */
  readonly servers: string | readonly string[];
  /** connection name shown by the server (`nats server report connections`): use the service name */
  readonly name: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** path of a `.creds` file (JWT + nkey seed); re-read on every (re)connect so rotation works */
  readonly credsFile?: string;
  /** first-connect and request timeout */
  readonly timeoutMs?: number;
  readonly reconnectTimeWaitMs?: number;
  readonly pingIntervalMs?: number;
  readonly log?: Logger;
}

/**
 * Opens a named NATS connection that reconnects forever (also when the server is not up yet)
 * and reports its status changes to the logger. Close it with `nc.drain()` on shutdown.
 */
export async function connectBus(opts: BusConnectOptions): Promise<NatsConnection> {
  const log = opts.log ?? silentLogger;
  const servers = typeof opts.servers === 'string' ? [opts.servers] : [...opts.servers];
  if (servers.length === 0) throw new BusError('connectBus: no servers configured');
  const credsFile = opts.credsFile;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: opts.name,
      // replies and deliveries on the identity's own inboxes (the conf lets no one else read them)
      ...(opts.user !== undefined ? { user: opts.user, inboxPrefix: inboxPrefixFor(opts.user) } : {}),
      ...(opts.pass !== undefined ? { pass: opts.pass } : {}),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      ...(credsFile !== undefined
        ? { authenticator: credsAuthenticator(() => readFileSync(credsFile)) }
        : {}),
      // a trading service must outlive broker restarts: never give up
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      ...(opts.pingIntervalMs !== undefined ? { pingInterval: opts.pingIntervalMs } : {}),
    });
  } catch (err) {
    // never echo credentials: only the servers and the name
    throw new BusError(`cannot connect to NATS ${servers.join(',')} as ${opts.name}`, { cause: err });
  }
  log.info({ server: nc.getServer(), name: opts.name }, 'nats connected');
  void watchStatus(nc, log);
  return nc;
}

async function watchStatus(nc: NatsConnection, log: Logger): Promise<void> {
  for await (const s of nc.status()) {
    switch (s.type) {
      case 'disconnect':
        log.warn({ server: s.server }, 'nats disconnected');
        break;
      case 'reconnecting':
        log.debug({}, 'nats reconnecting');
        break;
      case 'reconnect':
        log.info({ server: s.server }, 'nats reconnected');
        break;
      case 'error':
        log.error({ err: s.error }, 'nats async error');
        break;
      case 'ldm':
        log.warn({ server: s.server }, 'nats server entering lame duck mode');
        break;
      case 'slowConsumer':
        log.warn({ subject: s.sub.getSubject(), pending: s.pending }, 'nats slow consumer');
        break;
      case 'staleConnection':
        log.warn({}, 'nats stale connection');
        break;
      case 'forceReconnect':
        log.info({}, 'nats forced reconnect');
        break;
      case 'update':
        log.debug({ added: s.added, deleted: s.deleted }, 'nats cluster update');
        break;
      case 'ping':
        break;
      case 'close':
        log.info({}, 'nats connection closed');
        break;
      default: {
        const never: never = s;
        log.debug({ status: never }, 'nats status');
      }
    }
  }
  const err = await nc.closed();
  if (err) log.error({ err }, 'nats connection closed with error');
}
