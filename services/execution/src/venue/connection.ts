// The venue connection: venue meta (the asset registry), the WS post socket when orders go out that
// way, the address budget's starting point, and the one path every action of our own (the kill
// switch's cancels, the venue dead-man) takes: sign → submission queue → /exchange. Its stop closes
// the queue (waiting sends fail: they stay recorded and the next start resumes them), waits for the
// work other modules handed it, then closes the socket and the budgets.
import type { AssetRegistry, SubmitOutcome } from '@hyperflow/hyperliquid';
import type { ExchangeRequest } from '@hyperflow/signing';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { Logger, Module } from '../ports.js';
import type { SendPriority } from '../submit/queue.js';

/** The signed /exchange request of an action (ExchangeSigner.sign with the order expiry cap). */
export type SignAction = (action: object) => Promise<ExchangeRequest>;

export interface VenuePorts {
  readonly log: Logger;
  /** venue meta → the asset registry */
  loadAssets(): Promise<AssetRegistry>;
  /** the WS post socket, when orders go out as posts */
  readonly post?: { connect(): Promise<void>; close(): Promise<void> };
  /** /exchange; undefined in dry-run */
  readonly exchange?: {
    submit(request: ExchangeRequest, priority: SendPriority): Promise<SubmitOutcome>;
    /** the address budget starts from what the venue counted, not from zero */
    syncAddressBudget(): Promise<void>;
  };
  /** the submission queue in front of /exchange */
  readonly queue?: {
    run(job: {
      key: string;
      priority: SendPriority;
      send: () => Promise<SubmitOutcome>;
      expired: () => Promise<SubmitOutcome>;
    }): Promise<SubmitOutcome>;
    close(): void;
  };
  readonly sign: SignAction;
  closeBudgets(): void;
  /** venue meta and the post socket are waited for with backoff (the venue may start after us) */
  readonly retry: Omit<RetryOptions, 'permanent'>;
}

export interface VenueConnection extends Module {
  readonly registry: AssetRegistry;
  /** signs `action` and sends it at cancel priority through the queue; undefined in dry-run */
  readonly sendAction: ((key: string, action: object) => Promise<SubmitOutcome>) | undefined;
  /** work that may wait in the queue: awaited on stop, after the queue closed */
  track(work: Promise<unknown>): void;
}

export async function startVenueConnection(p: VenuePorts): Promise<VenueConnection> {
  const wait = <T>(what: string, fn: () => Promise<T>) => untilOk(what, fn, p.retry);
  const registry = await wait('venue meta', () => p.loadAssets());
  const post = p.post;
  if (post !== undefined) await wait('the venue post socket', () => post.connect());
  const exchange = p.exchange;
  if (exchange !== undefined) {
    await exchange
      .syncAddressBudget()
      .catch((err: unknown) =>
        p.log.warn({ err }, 'userRateLimit unavailable: address budget starts at its default'),
      );
  }
  const inFlight = new Set<Promise<unknown>>();
  const sendAction =
    exchange === undefined
      ? undefined
      : async (key: string, action: object): Promise<SubmitOutcome> => {
          const request = await p.sign(action);
          const send = () => exchange.submit(request, 'cancel');
          return p.queue === undefined
            ? send()
            : p.queue.run({ key, priority: 'cancel', send, expired: send });
        };
  return {
    registry,
    sendAction,
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.finally(() => inFlight.delete(settled));
    },
    async stop() {
      p.queue?.close();
      await Promise.allSettled([...inFlight]);
      await p.post?.close();
      p.closeBudgets();
    },
    abandon() {
      void p.post?.close();
      p.queue?.close();
      p.closeBudgets();
    },
  };
}
