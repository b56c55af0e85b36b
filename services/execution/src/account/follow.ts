// Follows the account's own streams on the venue WebSocket: userFills (each fill published on
// `acct.fill.<coin>` with its venue-derived id, so the reconnect snapshot de-duplicates) and
// orderUpdates (venue-side cancels of our resting orders). Frames are handled one at a time, in
// arrival order.
import type { Publisher } from '@hyperflow/bus';
import { FillRecorded, type Net, type Subjects } from '@hyperflow/contracts';
import { parseOrderUpdates, parseUserFills, WsClient, type WsOrderUpdate } from '@hyperflow/hyperliquid';
import type { Logger } from 'pino';

export interface AccountFollowOptions {
  readonly url: string;
  /** master or sub-account (never the agent; venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) */
  readonly account: string;
  readonly net: Net;
  readonly subjects: Subjects;
  readonly publisher: Publisher;
  readonly log: Logger;
  /** `snapshot`: replayed on (re)subscribe, possibly seen before */
  onFill(fill: FillRecorded, snapshot: boolean): Promise<void>;
  onOrderUpdate(update: WsOrderUpdate): Promise<void>;
  /** after a reconnect and resubscribe: something may have been missed */
  onResubscribed(): void;
  /** a frame could not be processed: what it carried must be fetched again */
  onFrameFailed(): void;
}

export interface AccountFollower {
  close(): Promise<void>;
}

export async function followAccount(o: AccountFollowOptions): Promise<AccountFollower> {
  const ws = new WsClient({ url: o.url, name: 'account', logger: o.log });
  let chain: Promise<void> = Promise.resolve();
  const handle = async (channel: string, data: unknown): Promise<void> => {
    if (channel === 'userFills') {
      const update = parseUserFills(data, { net: o.net });
      if (update.user !== o.account.toLowerCase()) return;
      for (const fill of update.fills) {
        await o.publisher.publish(o.subjects.fill(fill.coin), FillRecorded, fill, { msgId: fill.id });
        await o.onFill(fill, update.isSnapshot);
      }
    } else if (channel === 'orderUpdates') {
      for (const u of parseOrderUpdates(data)) await o.onOrderUpdate(u);
    }
  };
  ws.on('data', (channel, data) => {
    chain = chain.then(() =>
      handle(channel, data).catch((err: unknown) => {
        o.log.error({ err, channel }, 'account frame not processed: recovering fills');
        o.onFrameFailed();
      }),
    );
  });
  ws.on('resubscribed', () => o.onResubscribed());
  ws.on('error', (err) => o.log.warn({ err }, 'account socket error'));
  await ws.connect();
  await ws.subscribe({ type: 'userFills', user: o.account.toLowerCase() });
  await ws.subscribe({ type: 'orderUpdates', user: o.account.toLowerCase() });
  o.log.info({ account: o.account }, 'following the account fills and order updates');
  return {
    async close() {
      await ws.close();
      await chain;
    },
  };
}
