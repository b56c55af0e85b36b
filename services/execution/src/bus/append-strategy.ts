// How the order store writes the events of one decision: one acked publish per event
// (sequential) or one ADR-50 atomic batch (one round trip, all or nothing). Chosen by measurement
// (nats-server 2.15.1, 2 cores, p50 per step of 2/4 events): on a single server with file storage
// the server stages each batch on disk and sequential wins (0.8/0.9 ms vs 22-24 ms); in memory
// (0.23/0.48 vs 0.37/1.08 ms) and on a replicated stream (R3 ~1 ms vs 2-4 ms) the batch wins.
import type { AppendStrategy } from '@hyperflow/bus';

export type AppendStrategySetting = 'auto' | AppendStrategy;

export interface StreamShape {
  readonly storage: 'file' | 'memory';
  readonly replicas: number;
}

export function chooseAppendStrategy(
  setting: AppendStrategySetting,
  stream: StreamShape,
): { readonly strategy: AppendStrategy; readonly why: string } {
  if (setting !== 'auto') return { strategy: setting, why: 'EXEC_APPEND_STRATEGY' };
  if (stream.storage === 'memory') return { strategy: 'atomic', why: 'memory storage' };
  if (stream.replicas > 1) return { strategy: 'atomic', why: `${stream.replicas} replicas` };
  return { strategy: 'sequential', why: 'one replica with file storage (the batch is staged on disk)' };
}

/** The JetStream round trips one append of `events` events costs under the strategy. */
export function appendRoundTrips(strategy: AppendStrategy): (events: number) => number {
  return strategy === 'atomic' ? () => 1 : (events) => events;
}
