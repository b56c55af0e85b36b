import { type Net, streams, subjects } from '@hyperflow/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { isFeedStatus, MarketStreamEvent, timeOf } from '../runtime/engine.js';
import { readRange } from '../runtime/replay.js';
import type { StrategyEvent } from '../strategies/strategy.js';

export interface StreamRange {
  readonly net: Net;
  readonly root?: string;
  readonly streamPrefix?: string;
  /** first message stored at or after this time, ms */
  readonly fromMs: number;
  /** last event time to include (the event's own time), ms; default everything stored */
  readonly toMs?: number;
}

/**
 * The MARKET stream's events of one network in a time range, in stream order, as a backtest input
 * (feed-health notices dropped; gap markers kept). Reads up to the stream's end at call time.
 */
export async function readMarketRange(nc: NatsConnection, r: StreamRange): Promise<StrategyEvent[]> {
  const st = streams(r.root ?? 'hl', r.streamPrefix ?? '');
  const subj = subjects(r.net, r.root ?? 'hl');
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(st.MARKET.name)).state.last_seq;
  const { events } = await readRange(
    jetstream(nc),
    { stream: st.MARKET.name, filterSubject: subj.all.market, fromMs: r.fromMs, throughSeq: last },
    MarketStreamEvent,
  );
  const out: StrategyEvent[] = [];
  for (const { event } of events) {
    if (isFeedStatus(event)) continue;
    if (r.toMs !== undefined && timeOf(event) > r.toMs) continue;
    out.push(event);
  }
  return out;
}
