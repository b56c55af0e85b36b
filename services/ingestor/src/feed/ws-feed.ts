import { WsError, type WsPool } from '@hyperflow/hyperliquid';
import type { Logger } from '../ports.js';
import type { FeedSource, Ingestor } from './ingestor.js';

/** The venue pool as the ingestor's FeedSource. */
export function poolFeedSource(pool: WsPool): FeedSource {
  return {
    subscribe: (venue, opts) => pool.subscribe(venue, opts),
  };
}

/** Why a frame the WS client could not route is a dead letter (its `protocol` errors). */
export function badFrameReason(message: string): 'invalidJson' | 'noChannel' | 'outOfBounds' | 'protocol' {
  if (message.startsWith('non-JSON frame')) return 'invalidJson';
  if (message.startsWith('frame out of bounds')) return 'outOfBounds';
  if (message.startsWith('frame without channel')) return 'noChannel';
  return 'protocol';
}

/**
 * Wires the pool's events to the ingestor's handlers. The transport stays in the venue package,
 * the decisions in the ingestor: this function only translates.
 */
export function attachFeed(pool: WsPool, ingestor: Ingestor, log: Logger): () => void {
  const onData = (channel: string, data: unknown, key: string | undefined) =>
    ingestor.onData(channel, data, key);
  const onOpen = () => ingestor.onOpen();
  // the pool reports which connection closed, not why; the client has logged the close code
  const onClose = (connection: number) =>
    ingestor.onClose({ code: 0, reason: `connection ${connection} closed`, willReconnect: true });
  const onGap = (info: { from: number; to: number }) => ingestor.onGap({ fromMs: info.from, toMs: info.to });
  const onStale = (info: { key: string; silentMs: number }) => ingestor.onStale(info);
  const onResubscribed = (info: {
    reason: 'reconnect' | 'stale';
    keys: string[];
    failed: { key: string; error: Error }[];
  }) => ingestor.onResubscribed(info);
  const onError = (err: Error) => {
    if (err instanceof WsError && err.code === 'protocol') {
      // the whole frame when the client kept it, else the first 200 characters in its message
      const colon = err.message.indexOf(': ');
      const payload = err.venueMessage ?? (colon >= 0 ? err.message.slice(colon + 2) : err.message);
      ingestor.onBadFrame(badFrameReason(err.message), err.message.slice(0, 200), payload);
      return;
    }
    // venue complaints on the error channel (caps, "Already subscribed"): worth a log, not a dead letter
    log.warn({ err }, 'venue feed error');
  };
  pool.on('data', onData);
  pool.on('open', onOpen);
  pool.on('close', onClose);
  pool.on('gap', onGap);
  pool.on('stale', onStale);
  pool.on('resubscribed', onResubscribed);
  pool.on('error', onError);
  return () => {
    pool.off('data', onData);
    pool.off('open', onOpen);
    pool.off('close', onClose);
    pool.off('gap', onGap);
    pool.off('stale', onStale);
    pool.off('resubscribed', onResubscribed);
    pool.off('error', onError);
  };
}
