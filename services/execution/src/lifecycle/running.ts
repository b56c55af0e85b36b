// What startExecution takes and what it hands back.
import type { Metrics } from '@hyperflow/service';
import type { Signer } from '@hyperflow/signing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ExecutionConfig } from '../config.js';
import type { Executor } from '../execute/executor.js';
import type { RiskBook } from '../risk/book.js';

export interface ExecutionDeps {
  readonly config: ExecutionConfig;
  readonly nc: NatsConnection;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** the signing key, already loaded (see keys/keys.ts); never the raw key */
  readonly signer: Signer;
  readonly fetch?: typeof fetch;
  readonly clock?: () => number;
  /** aborts the wait for the signer lease (shutdown while on standby) */
  readonly signal?: AbortSignal;
  /** the signer lease was lost (another replica took over): the process must stop */
  readonly onFatal?: (reason: string) => void;
  /**
   * The replica's role: `standby` while it waits for the signer lease (healthy, ready to take
   * over), `leader` once it holds it (called before the rest of the start-up, then start returns).
   */
  readonly onRole?: (role: 'standby' | 'leader') => void;
  /**
   * Not ready, and why, while it waits for something it needs (NATS streams, venue meta, the lease
   * bucket, the risk mode, the account state, the open orders); ready again when a wait at run
   * time (the account state after a reconnect) is over.
   */
  readonly onReadiness?: (ready: boolean, reason?: string) => void;
}

export interface RunningExecution {
  readonly executor: Executor;
  readonly risk: RiskBook;
  /** orders waiting for their outcome to be resolved */
  readonly pending: ReadonlySet<string>;
  stats(): Record<string, unknown>;
  /** cancels every open order of the account (what `halt` does after halting) */
  killSwitch(): Promise<void>;
  /** crash-like stop for tests: intake stops and the signer lease lapses by TTL, unreleased */
  abandon(): Promise<void>;
  /** one recovery pass now (what the timer does) */
  recover(): Promise<void>;
  stop(): Promise<void>;
}
