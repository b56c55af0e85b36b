// The venue adapters built from the configuration: the budgets (per-IP weight shared through the
// NATS KV rate ledger, per-address actions), /info, the WS post socket, /exchange and the
// submission queue in front of it. Nothing here connects: the venue connection module does.
import {
  ExchangeClient,
  InfoClient,
  infoBudgetHooks,
  loadAssetRegistry,
  WsClient,
} from '@hyperflow/hyperliquid';
import { ExchangeSigner, type NonceManager, type Signer } from '@hyperflow/signing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger as PinoLogger } from 'pino';
import { type ExecutionConfig, restBaseUrl, signingChain, wsUrl } from '../config.js';
import type { Clock } from '../ports.js';
import type { RiskMode } from '../risk/engine.js';
import { type ExecutionBudgets, executionBudgets } from '../submit/budget.js';
import type { ExchangePort } from '../submit/ports.js';
import { admits, SubmissionQueue } from '../submit/queue.js';
import { venueExchange } from '../submit/venue.js';
import type { VenuePorts } from './connection.js';

export interface VenueAdapters {
  readonly signing: ExchangeSigner;
  /** the account traded (master, sub-account or vault), lowercase */
  readonly account: string;
  readonly info: InfoClient;
  readonly budgets: ExecutionBudgets;
  /** undefined in dry-run */
  readonly client: ExchangeClient | undefined;
  readonly postSocket: WsClient | undefined;
  readonly queue: SubmissionQueue | undefined;
  /** the executor's /exchange, through the queue; undefined in dry-run */
  readonly exchange: ExchangePort | undefined;
  /** the account's open orders at the venue */
  openOrders(): ReturnType<InfoClient['openOrders']>;
  /** their cloids, lowercase; undefined in dry-run (nothing was sent) */
  readonly openCloids: (() => Promise<ReadonlySet<string>>) | undefined;
  /** the venue connection's ports on these adapters */
  readonly ports: Omit<VenuePorts, 'retry'>;
}

export async function venueAdapters(o: {
  readonly config: ExecutionConfig;
  readonly nc: NatsConnection;
  readonly clock: Clock;
  readonly log: PinoLogger;
  readonly fetch?: typeof fetch | undefined;
  readonly signer: Signer;
  readonly nonces: NonceManager;
  /** the risk mode now: what the submission queue lets through */
  readonly mode: () => RiskMode;
}): Promise<VenueAdapters> {
  const { config: c, clock, log } = o;
  const vault = c.EXEC_VAULT_ADDRESS === undefined ? {} : { vaultAddress: c.EXEC_VAULT_ADDRESS };
  const signing = new ExchangeSigner({
    signer: o.signer,
    network: signingChain(c),
    nonces: o.nonces,
    ...vault,
  });
  const account = (c.EXEC_VAULT_ADDRESS ?? c.EXEC_ACCOUNT_ADDRESS ?? signing.address).toLowerCase();
  const baseUrl = restBaseUrl(c);
  const budgets = await executionBudgets({
    nc: o.nc,
    streamPrefix: c.STREAM_PREFIX,
    ipBucket: c.IP_BUCKET,
    restWeightPerMinute: c.EXEC_REST_WEIGHT_PER_MINUTE,
    windowMs: c.IP_BUDGET_WINDOW_MS,
    clock: () => clock.now(),
    log,
  });
  const fetchOpt = o.fetch ? { fetch: o.fetch } : {};
  const info = new InfoClient({
    baseUrl,
    timeoutMs: c.REQUEST_TIMEOUT_MS,
    ...infoBudgetHooks(budgets.ip),
    ...fetchOpt,
  });
  const dryRun = c.EXEC_MODE === 'dry-run';
  // WS post: a socket of its own, so a burst of fills never queues behind an order (or the reverse)
  const url = wsUrl(c);
  const postSocket =
    !dryRun && c.EXEC_VIA === 'ws' && url !== undefined
      ? new WsClient({ url, name: 'post', logger: log.child({ part: 'post' }) })
      : undefined;
  const client = dryRun
    ? undefined
    : new ExchangeClient({
        ...(postSocket === undefined ? {} : { ws: postSocket, via: 'ws' as const }),
        maxBudgetWaitMs: c.EXPIRES_AFTER_MS,
        baseUrl,
        timeoutMs: c.REQUEST_TIMEOUT_MS,
        info,
        clock: () => clock.now(),
        ipBudget: budgets.ip,
        addressBudget: budgets.address,
        ...fetchOpt,
      });
  // every send waits its turn here: cancels, then reduce-only, then entries (see submit/queue.ts)
  const queue =
    client === undefined
      ? undefined
      : new SubmissionQueue({
          concurrency: c.EXEC_SUBMIT_CONCURRENCY,
          maxQueued: c.EXEC_SUBMIT_QUEUE_MAX,
          clock: () => clock.now(),
          onDispatch: (key, priority, waitedMs) =>
            log.debug({ orderId: key, priority, waitedMs }, 'submission dispatched'),
          onExpired: (key, priority) =>
            log.warn({ orderId: key, priority }, 'submission expired in the queue: not sent'),
          // what waited through a halt is not sent by it: held (poked on every mode change)
          admit: (priority) => admits(o.mode(), priority),
        });
  const now = () => clock.now();
  const openOrders = () => info.openOrders(account);
  const cloidsOf = (open: Awaited<ReturnType<typeof openOrders>>) =>
    new Set(open.flatMap((x) => (typeof x.cloid === 'string' ? [x.cloid.toLowerCase()] : [])));
  const via = postSocket === undefined ? 'rest' : 'ws';
  return {
    signing,
    account,
    info,
    budgets,
    client,
    postSocket,
    queue,
    openOrders,
    openCloids: client === undefined ? undefined : async () => cloidsOf(await openOrders()),
    exchange: client && venueExchange(client, account, via, { ...(queue ? { queue } : {}), clock: now }),
    ports: {
      log,
      sign: (action) => signing.sign(action, { expiresInMs: c.EXPIRES_AFTER_MS }),
      loadAssets: () => loadAssetRegistry(info, { spot: true }),
      closeBudgets: () => budgets.close(),
      ...(postSocket === undefined ? {} : { post: postSocket }),
      ...(queue === undefined ? {} : { queue }),
      ...(client === undefined
        ? {}
        : {
            exchange: {
              submit: (request, priority) => client.submit(request, { priority }),
              syncAddressBudget: async () => {
                const r = await info.userRateLimit(account);
                budgets.address.sync({ kind: 'usage', used: r.nRequestsUsed, limit: r.nRequestsCap });
              },
            },
          }),
    },
  };
}
