// Wires the execution service on an open NATS connection: the SIGNALS consumer, the order event
// store, the venue (or dry-run), the risk book fed by control, mids and feed health, recovery of
// unfinished orders, metrics. main.ts opens the connections; tests call this directly.
import { createHash, randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  type ConsumerRunner,
  createEventStore,
  createPublisher,
  openLeaseBucket,
  provision,
  runConsumer,
  verifyProvisioned,
} from '@hyperflow/bus';
import {
  BalanceChanged,
  BboEvent,
  buckets,
  ControlCommand,
  FillRecorded,
  HealthEvent,
  MidsEvent,
  OrderEvent,
  PositionChanged,
  parseJson,
  RiskStateChanged,
  SignalEmitted,
  streams,
  subjects,
} from '@hyperflow/contracts';
import {
  type AssetRegistry,
  ExchangeClient,
  InfoClient,
  infoBudgetHooks,
  LeasedNonceManager,
  loadAssetRegistry,
  WsClient,
} from '@hyperflow/hyperliquid';
import type { Metrics } from '@hyperflow/service';
import {
  cancelAction,
  ExchangeSigner,
  NonceManager,
  type Signer,
  scheduleCancelAction,
} from '@hyperflow/signing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { type AccountFollower, followAccount } from './account/follow.js';
import { type ExecutionConfig, restBaseUrl, signingChain, wsUrl } from './config.js';
import { cancelAll } from './control/kill-switch.js';
import { scheduleAnswerOf, startScheduleCancel } from './control/schedule-cancel.js';
import { Executor, type HandleResult } from './execute/executor.js';
import { needsResolution, type OrderState } from './order/decider.js';
import { FillRecovery, lastFillSeen } from './recovery/fills.js';
import { accountSnapshot } from './recovery/reconcile.js';
import { scanOrders } from './recovery/scan.js';
import { RiskBook } from './risk/book.js';
import type { ModeChange, RiskFact } from './risk/engine.js';
import { factsFromHealth } from './risk/feed.js';
import { midsFrom } from './risk/mids.js';
import { restoredModeFact } from './risk/restore.js';
import { executionBudgets } from './submit/budget.js';
import { SubmissionQueue } from './submit/queue.js';
import { venueOrderSigner } from './submit/signer.js';
import { venueExchange } from './submit/venue.js';

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

const DEADMAN_KEY = 'execution/deadman';
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** events counted in execution_orders_total{outcome} (a filled order counts once, when complete) */
const OUTCOME_BY_EVENT: Partial<Record<OrderEvent['type'], string>> = {
  riskRejected: 'riskRejected',
  orderResting: 'resting',
  orderCanceled: 'canceled',
  orderRejected: 'rejected',
  orderExpired: 'expired',
  orderOutcomeUnknown: 'unknown',
};

export async function startExecution(deps: ExecutionDeps): Promise<RunningExecution> {
  const { config: c, nc, log } = deps;
  const clock = deps.clock ?? Date.now;
  const net = c.HL_NETWORK;
  const subj = subjects(net, c.SUBJECT_ROOT);
  const names = streams(c.SUBJECT_ROOT, c.STREAM_PREFIX);
  if (c.BUS_PROVISION) await provision(nc, { root: c.SUBJECT_ROOT, namePrefix: c.STREAM_PREFIX, log });
  else if (c.NATS_USER !== undefined)
    await verifyProvisioned(nc, c.NATS_USER, {
      root: c.SUBJECT_ROOT,
      namePrefix: c.STREAM_PREFIX,
      net: c.HL_NETWORK,
    });
  const jsm = await jetstreamManager(nc);
  const store = await createEventStore({ nc, stream: names.EXECUTION.name, schema: OrderEvent });
  const publisher = createPublisher(nc);

  // venue: read-only info (asset registry, orderStatus) in every mode; /exchange only when not dry-run
  const baseUrl = restBaseUrl(c);
  const budgets = await executionBudgets({
    nc,
    streamPrefix: c.STREAM_PREFIX,
    ipBucket: c.IP_BUCKET,
    restWeightPerMinute: c.EXEC_REST_WEIGHT_PER_MINUTE,
    windowMs: c.IP_BUDGET_WINDOW_MS,
    clock,
    log,
  });
  const info = new InfoClient({
    baseUrl,
    timeoutMs: c.REQUEST_TIMEOUT_MS,
    ...infoBudgetHooks(budgets.ip),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const registry: AssetRegistry = await loadAssetRegistry(info, { spot: true });
  // one active process per signer (doc 6): the nonce lease; a second replica waits as hot standby
  const nonces = await signerNonces(deps, clock);
  const signing = new ExchangeSigner({
    signer: deps.signer,
    network: signingChain(c),
    nonces,
    ...(c.EXEC_VAULT_ADDRESS === undefined ? {} : { vaultAddress: c.EXEC_VAULT_ADDRESS }),
  });
  const account = (c.EXEC_VAULT_ADDRESS ?? c.EXEC_ACCOUNT_ADDRESS ?? signing.address).toLowerCase();
  const dryRun = c.EXEC_MODE === 'dry-run';
  /** holds the signer lease (always, without a lease bucket): only the active replica acts and publishes */
  let active = !(nonces instanceof LeasedNonceManager);
  // WS post: a socket of its own, so a burst of fills never queues behind an order (or the reverse)
  const url = wsUrl(c);
  let postSocket: WsClient | undefined;
  if (!dryRun && c.EXEC_VIA === 'ws' && url !== undefined) {
    postSocket = new WsClient({ url, name: 'post', logger: log.child({ part: 'post' }) });
    await postSocket.connect();
  }
  const client = dryRun
    ? undefined
    : new ExchangeClient({
        ...(postSocket === undefined ? {} : { ws: postSocket, via: 'ws' as const }),
        maxBudgetWaitMs: c.EXPIRES_AFTER_MS,
        baseUrl,
        timeoutMs: c.REQUEST_TIMEOUT_MS,
        info,
        clock,
        ipBudget: budgets.ip,
        addressBudget: budgets.address,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
  // every send waits its turn here: cancels, then reduce-only, then entries (see submit/queue.ts)
  const submissions =
    client === undefined
      ? undefined
      : new SubmissionQueue({
          concurrency: c.EXEC_SUBMIT_CONCURRENCY,
          maxQueued: c.EXEC_SUBMIT_QUEUE_MAX,
          clock,
          onDispatch: (key, priority, waitedMs) =>
            log.debug({ orderId: key, priority, waitedMs }, 'submission dispatched'),
          onExpired: (key, priority) =>
            log.warn({ orderId: key, priority }, 'submission expired in the queue: not sent'),
          // what waited through a halt is not sent by it: held (poked on every mode change) until
          // the mode allows it again or its deadline expires it
          admit: (priority) =>
            priority === 'cancel' ||
            risk.state.mode === 'ACTIVE' ||
            (risk.state.mode === 'REDUCE_ONLY' && priority === 'reduceOnly'),
        });
  if (client !== undefined) {
    // the address budget starts from what the venue counted, not from zero
    await info
      .userRateLimit(account)
      .then((r) => budgets.address.sync({ kind: 'usage', used: r.nRequestsUsed, limit: r.nRequestsCap }))
      .catch((err: unknown) =>
        log.warn({ err }, 'userRateLimit unavailable: address budget starts at its default'),
      );
  }
  log.info(
    {
      mode: c.EXEC_MODE,
      net,
      signer: signing.address,
      account,
      chain: signingChain(c),
      assets: registry.size,
    },
    'execution venue ready',
  );

  // metrics
  const m = deps.metrics;
  const signalToSubmit = m?.latency({
    name: 'execution_signal_to_submit_seconds',
    help: 'Signal creation to the order being sent (or recorded, in dry-run)',
  });
  const submitToAck = m?.latency({
    name: 'execution_submit_to_ack_seconds',
    help: 'Order sent to the venue answer (resting, filled, rejected)',
  });
  const outcomes = m?.counter({
    name: 'execution_orders_total',
    help: 'Orders by outcome',
    labelNames: ['outcome'],
  });
  const riskMode = m?.gauge({
    name: 'execution_risk_mode',
    help: '1 for the current risk mode',
    labelNames: ['mode'],
  });
  m?.gauge({
    name: 'execution_budget_headroom',
    help: 'Budget left: per-IP weight in the window, per-address requests',
    labelNames: ['budget'],
    collect() {
      for (const [name, b] of [
        ['ip', budgets.ip],
        ['address', budgets.address],
      ] as const) {
        const snap = b.snapshot();
        this.set({ budget: name }, Math.max(0, snap.limit - snap.used));
      }
    },
  });
  m?.gauge({
    name: 'execution_leader',
    help: '1 on the replica that holds the signer lease (trades), 0 on a hot standby',
    collect() {
      this.set(active ? 1 : 0);
    },
  });
  const setModeGauge = (mode: string) => {
    for (const x of ['ACTIVE', 'REDUCE_ONLY', 'HALTED']) riskMode?.set({ mode: x }, x === mode ? 1 : 0);
  };

  const risk = new RiskBook({
    maxOrderNotional: c.RISK_MAX_ORDER_NOTIONAL,
    maxPositionNotionalPerCoin: c.RISK_MAX_POSITION_NOTIONAL_PER_COIN,
    maxTotalPositionNotional: c.RISK_MAX_TOTAL_POSITION_NOTIONAL,
    maxOpenOrders: c.RISK_MAX_OPEN_ORDERS,
    maxOrdersPerMinute: c.RISK_MAX_ORDERS_PER_MINUTE,
    priceBandBps: c.RISK_PRICE_BAND_BPS,
    maxMidAgeMs: c.RISK_MAX_MID_AGE_MS,
    minNotional: c.RISK_MIN_NOTIONAL,
    maxConsecutiveRejects: c.RISK_MAX_CONSECUTIVE_REJECTS,
  });
  // the last published mode survives a restart: a halted service comes back halted
  const lastRisk = await jsm.streams
    .getMessage(names.EXECUTION.name, { last_by_subj: subj.execution('risk') })
    .catch(() => null);
  if (lastRisk !== null) {
    const prev = parseJson(RiskStateChanged, lastRisk.data, 'last risk state');
    const restored = restoredModeFact(prev);
    if ('fact' in restored) {
      risk.apply(restored.fact);
      log.info({ mode: prev.state, reason: prev.reason, cause: prev.cause }, 'risk mode restored');
    } else log.info({ mode: prev.state, reason: prev.reason }, `risk mode not restored: ${restored.skipped}`);
  }
  setModeGauge(risk.state.mode);

  let riskSeq = 0;
  const publishModeChange = (change: ModeChange, cause: string) => {
    riskSeq += 1;
    const atMs = Math.floor(clock());
    const event: RiskStateChanged = {
      type: 'riskStateChanged',
      v: 1,
      net,
      id: `risk:${cause}:${atMs}:${riskSeq}`,
      state: change.state,
      previous: change.previous,
      reason: change.reason,
      cause: change.cause,
      atMs,
    };
    setModeGauge(change.state);
    submissions?.poke();
    log.warn({ state: change.state, previous: change.previous, reason: change.reason }, 'risk mode changed');
    // a standby follows control commands too, but the active replica is the one that records them
    if (!active) return;
    void publisher
      .publish(subj.execution('risk'), RiskStateChanged, event, { msgId: event.id })
      .catch((err: unknown) => log.error({ err }, 'risk state publish failed'));
  };
  const applyFact = (fact: RiskFact, cause: string) => {
    const change = risk.apply(fact);
    if (change !== undefined) publishModeChange(change, cause);
  };

  const signalCreated = new Map<string, number>();
  const submittedAt = new Map<string, number>();
  const pending = new Set<string>();
  const onEvents = (events: readonly OrderEvent[], state: OrderState) => {
    for (const e of events) {
      if (e.type === 'orderSubmitted') {
        const created = signalCreated.get(e.orderId);
        if (created !== undefined && e.attempt === 1)
          signalToSubmit?.observe(Math.max(0, clock() - created) / 1000);
        if (e.via === 'dryRun') outcomes?.inc({ outcome: 'dryRun' });
        else submittedAt.set(e.orderId, clock());
      }
      if (e.type === 'orderResting' || e.type === 'orderFilled' || e.type === 'orderRejected') {
        const sent = submittedAt.get(e.orderId);
        if (sent !== undefined) submitToAck?.observe(Math.max(0, clock() - sent) / 1000);
        submittedAt.delete(e.orderId);
      }
      if (e.type === 'orderFilled' && e.complete) outcomes?.inc({ outcome: 'filled' });
      const outcome = OUTCOME_BY_EVENT[e.type];
      if (outcome !== undefined) outcomes?.inc({ outcome });
      log.debug({ orderId: e.orderId, type: e.type }, 'order event recorded');
    }
    if (needsResolution(state) && state.requested) pending.add(state.requested.orderId);
  };

  const executor = new Executor({
    net,
    subjects: subj,
    store,
    signer: venueOrderSigner(signing),
    exchange:
      client === undefined
        ? undefined
        : venueExchange(client, account, postSocket === undefined ? 'rest' : 'ws', {
            ...(submissions === undefined ? {} : { queue: submissions }),
            clock,
          }),
    assets: (coin) => registry.find(coin),
    risk,
    clock,
    sha256Hex,
    marketSlippageBps: c.MARKET_SLIPPAGE_BPS,
    maxExpiresAfterMs: c.EXPIRES_AFTER_MS,
    isConcurrencyError: (err) => err instanceof ConcurrencyError,
    onEvents,
    onModeChange: (change) => publishModeChange(change, 'orders'),
  });

  const track = (r: HandleResult) => {
    if (r.status === 'submitted' || r.status === 'unknown') pending.add(r.orderId);
    else pending.delete(r.orderId);
  };

  // market data, feed health and control: core subscriptions (the streams keep the record)
  const subs: Subscription[] = [];
  let lastMidsAtMs = clock();
  let deadmanFired = false;
  const listen = <T>(subject: string, parse: (data: Uint8Array) => T, handle: (v: T) => void) => {
    subs.push(
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err !== null) {
            log.error({ err, subject }, 'subscription failed');
            return;
          }
          try {
            handle(parse(msg.data));
          } catch (e) {
            log.warn({ err: e, subject: msg.subject }, 'ignored a message that is not on the contract');
          }
        },
      }),
    );
  };
  // mids: allMids where the ingestor publishes it, else each coin's BBO (the ingestor's default)
  const onMids = (e: MidsEvent | BboEvent) => {
    const mids = midsFrom(e);
    if (Object.keys(mids).length === 0) return;
    lastMidsAtMs = clock();
    applyFact({ type: 'midsObserved', mids, atMs: Math.floor(lastMidsAtMs) }, 'mids');
    if (deadmanFired) {
      deadmanFired = false;
      applyFact({ type: 'feedRestored', key: DEADMAN_KEY }, 'deadman');
    }
  };
  listen(subj.mids(), (d) => parseJson(MidsEvent, d, 'mids'), onMids);
  // every coin's BBO (`*` is a wildcard token, not a coin name to encode)
  listen(`${subj.prefix}.md.bbo.*`, (d) => parseJson(BboEvent, d, 'bbo'), onMids);
  listen(
    subj.all.health,
    (d) => parseJson(HealthEvent, d, 'health'),
    (e) => {
      for (const f of factsFromHealth(e)) applyFact(f, `health:${e.id}`);
    },
  );
  // the kill switch: halt, then cancel every open order of the account at the venue
  let killing: Promise<void> | undefined;
  const killSwitch = (reason = 'killSwitch'): Promise<void> => {
    if (client === undefined || !active) return Promise.resolve();
    killing ??= cancelAll({
      log,
      openOrders: () => info.openOrders(account),
      assetId: (coin) => registry.find(coin)?.assetId,
      cancel: async (cancels) => {
        const request = await signing.sign(cancelAction(cancels), { expiresInMs: c.EXPIRES_AFTER_MS });
        const send = () => client.submit(request, { priority: 'cancel' });
        const out = await (submissions === undefined
          ? send()
          : submissions.run({ key: 'killSwitch', priority: 'cancel', send, expired: send }));
        if (out.kind !== 'answered' || out.result.kind !== 'cancels') {
          log.error({ outcome: out.kind }, 'kill switch: cancel batch not answered');
          return undefined;
        }
        return out.result.statuses.map((st) => st.kind === 'success');
      },
      recordCanceled: async (cloid, oid) => {
        await executor.recordCanceled(cloid, reason, oid);
      },
    })
      .then((r) => log.warn({ ...r, reason }, 'kill switch: open orders canceled'))
      .catch((err: unknown) => log.error({ err }, 'kill switch failed'))
      .finally(() => {
        killing = undefined;
      });
    return killing;
  };
  for (const target of ['all', 'execution'] as const) {
    listen(
      subj.control(target),
      (d) => parseJson(ControlCommand, d, 'control command'),
      (cmd) => {
        log.warn({ type: cmd.type, by: cmd.by, reason: cmd.reason }, 'control command');
        applyFact({ type: 'controlReceived', command: cmd }, `ctl:${cmd.id}`);
        if (cmd.type === 'halt') void killSwitch();
      },
    );
  }

  if (nonces instanceof LeasedNonceManager) {
    log.info({ signer: signing.address }, 'waiting for the signer lease (hot standby until then)');
    deps.onRole?.('standby');
    await nonces.acquire(deps.signal === undefined ? {} : { signal: deps.signal });
    log.info({ signer: signing.address }, 'signer lease held: active');
  }
  active = true;
  deps.onRole?.('leader');
  lastMidsAtMs = clock();

  // what the venue holds now: positions and open orders into the risk book, published on acct.
  const reconcile = async (): Promise<void> => {
    const [state, open] = await Promise.all([info.clearinghouseState(account), info.openOrders(account)]);
    const snap = accountSnapshot({ net, account, state, openOrders: open, atMs: clock() });
    for (const f of snap.facts) applyFact(f, 'reconcile');
    for (const p of snap.positions) {
      await publisher.publish(subj.position(p.coin), PositionChanged, p, { msgId: p.id });
    }
    await publisher.publish(subj.balance(), BalanceChanged, snap.balance, { msgId: snap.balance.id });
    log.info(
      { positions: snap.positions.length, openOrders: open.length },
      'account reconciled with the venue',
    );
  };
  await reconcile().catch((err: unknown) =>
    log.error({ err }, 'account reconciliation failed; risk starts flat'),
  );

  /** one fill of the account (live, a socket snapshot, or recovered): into its order's record */
  const onAccountFill = async (fill: FillRecorded, snapshot: boolean): Promise<void> => {
    const ours =
      fill.cloid === undefined
        ? undefined
        : await executor.recordFill(fill.cloid, {
            oid: fill.oid,
            tid: fill.tid,
            sz: fill.sz,
            px: fill.px,
            fee: fill.fee,
          });
    // someone else's order (manual, another tool): only live fills move the position, a
    // snapshot is already in the positions reconciled from the venue
    if ((ours === undefined || ours.status === 'none') && !snapshot) {
      applyFact(
        {
          type: 'orderFilled',
          orderId: `oid-${fill.oid}`,
          coin: fill.coin,
          side: fill.side,
          fillSz: fill.sz,
          complete: false,
        },
        'fill',
      );
    }
  };

  // fills made while nobody listened (down, or a socket reconnecting): userFillsByTime since the
  // newest fill on the stream; before the scan below, so a resting order filled meanwhile gets
  // its per-fill events (tid, price) rather than one reconciled total
  const fills = new FillRecovery({
    info,
    account,
    net,
    lookbackMs: c.FILL_RECOVERY_LOOKBACK_MS,
    clock,
    log: log.child({ part: 'fills' }),
    publish: async (fill) => {
      await publisher.publish(subj.fill(fill.coin), FillRecorded, fill, { msgId: fill.id });
    },
    // a recovered fill is already in the positions reconciled from the venue
    record: (fill) => onAccountFill(fill, true),
  });
  const fillRecoveries = m?.counter({
    name: 'execution_fill_recoveries_total',
    help: 'userFillsByTime recovery runs by result, and the fills they recorded',
    labelNames: ['result'],
  });
  const recoverFills = (): Promise<void> =>
    c.FILL_RECOVERY
      ? fills.run().then(
          (r) => {
            fillRecoveries?.inc({ result: 'ok' });
            if (r.recovered > 0) fillRecoveries?.inc({ result: 'fills' }, r.recovered);
          },
          (err: unknown) => {
            fillRecoveries?.inc({ result: 'failed' });
            log.error({ err }, 'fill recovery failed; the next reconnect retries');
          },
        )
      : Promise.resolve();
  if (c.FILL_RECOVERY) {
    fills.restore(
      await lastFillSeen(jsm, names.EXECUTION.name, `${subj.prefix}.acct.fill.>`, account).catch(
        (err: unknown) => {
          log.warn({ err }, 'last fill time unavailable: fill recovery looks back its default');
          return undefined;
        },
      ),
    );
    await recoverFills();
  }

  // the account's own streams: fills (published on acct.) and venue-side cancels, followed live
  let follower: AccountFollower | undefined;
  if (c.FOLLOW_ACCOUNT && url === undefined) log.warn('no HL_WS_URL on sim: account fills are not followed');
  if (c.FOLLOW_ACCOUNT && url !== undefined) {
    follower = await followAccount({
      url,
      account,
      net,
      subjects: subj,
      publisher,
      log: log.child({ part: 'account' }),
      onFill: async (fill, snapshot) => {
        fills.observe(fill);
        await onAccountFill(fill, snapshot);
      },
      onOrderUpdate: async (u) => {
        const cloid = u.order.cloid;
        if (typeof cloid === 'string' && /canceled$|^scheduledCancel$/i.test(u.status)) {
          await executor.recordCanceled(cloid.toLowerCase(), u.status, u.order.oid);
        }
      },
      onResubscribed: () => {
        void recoverFills();
        void reconcile().catch((err: unknown) => log.error({ err }, 'reconciliation failed'));
      },
    });
  }

  // orders left unfinished by a previous run (crash, restart) are resumed before new signals
  const scan = await scanOrders(jsm, names.EXECUTION.name, subj.all.orders);
  for (const orderId of scan.unfinished) pending.add(orderId);
  // resting in our record but no longer open at the venue: canceled or filled while we were away
  if (client !== undefined && scan.resting.length > 0) {
    const open = new Set(
      (await info.openOrders(account)).flatMap((o) =>
        typeof o.cloid === 'string' ? [o.cloid.toLowerCase()] : [],
      ),
    );
    for (const orderId of scan.resting.filter((id) => !open.has(id))) {
      await executor
        .reconcile(orderId)
        .catch((err: unknown) => log.error({ err, orderId }, 'resting order not reconciled'));
    }
  }
  /** one resume at a time per order, each on its own: a resend waits in the submission queue by
   * its priority, so an order waiting for the budget never holds back another's resend */
  const resuming = new Map<string, Promise<void>>();
  const recover = (): Promise<void> => {
    for (const orderId of pending) {
      if (resuming.has(orderId)) continue;
      const run = executor
        .resume(orderId)
        .then(track, (err: unknown) => log.error({ err, orderId }, 'order recovery failed; will retry'))
        .finally(() => resuming.delete(orderId));
      resuming.set(orderId, run);
    }
    return Promise.all(resuming.values()).then(() => undefined);
  };
  if (pending.size > 0) log.warn({ orders: pending.size }, 'resuming unfinished orders');
  await recover();
  const timer = setInterval(() => void recover(), c.RECOVERY_INTERVAL_MS);
  // dead-man's switch: market data stopped → cancel everything, exits only until it is back
  // the venue's own dead-man's switch, refreshed while this replica leads (off by default: the
  // venue allows it only after $1M traded volume)
  const venueDeadman =
    client !== undefined && c.EXEC_SCHEDULE_CANCEL_MS > 0
      ? await startScheduleCancel({
          afterMs: c.EXEC_SCHEDULE_CANCEL_MS,
          refreshMs: Math.max(1_000, Math.floor(c.EXEC_SCHEDULE_CANCEL_MS / 3)),
          clock,
          log: log.child({ part: 'scheduleCancel' }),
          send: async (time) => {
            const action = scheduleCancelAction(time === undefined ? {} : { time });
            const request = await signing.sign(action, { expiresInMs: c.EXPIRES_AFTER_MS });
            const send = () => client.submit(request, { priority: 'cancel' });
            return scheduleAnswerOf(
              await (submissions === undefined
                ? send()
                : submissions.run({ key: 'scheduleCancel', priority: 'cancel', send, expired: send })),
            );
          },
        })
      : undefined;
  const deadman =
    c.DEADMAN_AFTER_MS > 0
      ? setInterval(
          () => {
            if (deadmanFired || clock() - lastMidsAtMs <= c.DEADMAN_AFTER_MS) return;
            deadmanFired = true;
            log.error(
              { silentMs: clock() - lastMidsAtMs },
              "dead-man's switch: no market data; canceling all",
            );
            applyFact(
              { type: 'feedLost', key: DEADMAN_KEY, detail: `no mids for ${c.DEADMAN_AFTER_MS} ms` },
              'deadman',
            );
            void killSwitch('deadMansSwitch');
          },
          Math.max(50, Math.min(1000, Math.floor(c.DEADMAN_AFTER_MS / 4))),
        )
      : undefined;

  // a signal is acked once its order is recorded and waits in the submission queue, so the
  // consumer keeps pulling while the venue budget is exhausted; the outcome is tracked when sent
  const detached = new Set<Promise<void>>();
  const untilQueued = async (
    orderId: string,
    handle: () => Promise<HandleResult>,
  ): Promise<HandleResult | undefined> => {
    if (submissions === undefined) return handle();
    const queued = submissions.whenQueued(orderId);
    const handled = handle();
    try {
      const first = await Promise.race([handled, queued.promise.then(() => undefined)]);
      if (first !== undefined) return first;
    } finally {
      queued.cancel();
    }
    const late: Promise<void> = handled
      .then(
        (r) => {
          track(r);
          log.info({ orderId, status: r.status, outcome: r.outcome }, 'queued order sent');
        },
        (err: unknown) => {
          // recorded as submitted: recovery resends the identical request or asks orderStatus
          pending.add(orderId);
          log.warn({ err, orderId }, 'queued order not settled; recovery resumes it');
        },
      )
      .finally(() => detached.delete(late));
    detached.add(late);
    return undefined;
  };

  const consumer: ConsumerRunner = await runConsumer({
    nc,
    stream: names.SIGNALS.name,
    durable: c.CONSUMER_NAME,
    filterSubject: subj.all.signals,
    schema: SignalEmitted,
    dlqSubject: subj.dlq('execution'),
    service: 'execution',
    ackWaitMs: c.ACK_WAIT_MS,
    maxDeliver: c.MAX_DELIVER,
    log,
    now: clock,
    handle: async (signal, ctx) => {
      const orderId = executor.orderIdFor(signal);
      signalCreated.set(orderId, signal.createdAtMs);
      try {
        // a first delivery skips the order-stream read (its subject is empty unless a replica or
        // a replay got there first, which the append detects); a redelivery reads first
        const r = await untilQueued(orderId, () =>
          executor.handleSignal(signal, { firstDelivery: ctx.deliveryCount === 1 }),
        );
        if (r === undefined) {
          log.info(
            { signalId: signal.id, orderId, delivery: ctx.deliveryCount },
            'signal queued for sending',
          );
          return;
        }
        track(r);
        log.info(
          { signalId: signal.id, orderId, status: r.status, outcome: r.outcome, delivery: ctx.deliveryCount },
          'signal handled',
        );
      } finally {
        signalCreated.delete(orderId);
      }
    },
  });

  let ended = false;
  return {
    executor,
    risk,
    pending,
    recover,
    killSwitch,
    async abandon() {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      clearInterval(deadman);
      if (nonces instanceof LeasedNonceManager) nonces.abandon();
      void follower?.close();
      void postSocket?.close();
      // not awaited: a crashed process does not finish its in-flight work
      void consumer.stop();
      // a crash leaves the venue's scheduled cancel armed: it fires
      void venueDeadman?.stop(false);
      submissions?.close();
      for (const s of subs) s.unsubscribe();
      budgets.close();
    },
    stats: () => ({
      mode: risk.state.mode,
      openOrders: risk.state.openOrders.size,
      pending: pending.size,
      ipBudget: budgets.ip.snapshot(),
      addressBudget: budgets.address.snapshot(),
      submissions: submissions?.stats(),
      venueScheduledCancel: venueDeadman?.armedUntil,
      consumer: consumer.stats(),
    }),
    async stop() {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      clearInterval(deadman);
      await consumer.stop();
      // a graceful stop clears the venue's scheduled cancel: the standby takes the orders over
      await venueDeadman?.stop(true);
      // waiting sends fail (they stay recorded as submitted; the next start resumes them)
      submissions?.close();
      await Promise.allSettled([...detached]);
      await Promise.allSettled([...resuming.values()]);
      await killing;
      for (const s of subs) s.unsubscribe();
      await follower?.close();
      await postSocket?.close();
      budgets.close();
      if (nonces instanceof LeasedNonceManager) await nonces.release();
    },
  };
}

/** The leased nonce manager when the `leases` bucket exists; else a process-local one (with a warning). */
async function signerNonces(deps: ExecutionDeps, clock: () => number): Promise<NonceManager> {
  const c = deps.config;
  const bucket = buckets(c.STREAM_PREFIX).leases;
  try {
    // bind does not check that the bucket exists: ask the stream
    await (await jetstreamManager(deps.nc)).streams.info(`KV_${bucket}`);
  } catch (err) {
    deps.log.warn({ err, bucket }, 'no lease bucket: nothing stops a second process from racing our nonces');
    return new NonceManager({ clock });
  }
  return new LeasedNonceManager({
    leases: await openLeaseBucket(deps.nc, bucket),
    signer: deps.signer.address,
    holderId: `execution-${randomUUID()}`,
    ttlMs: c.LEASE_TTL_MS,
    clock,
    ...(c.LEASE_PRESENCE
      ? { presence: { root: c.SUBJECT_ROOT, intervalMs: c.LEASE_PRESENCE_INTERVAL_MS } }
      : {}),
    log: deps.log.child({ part: 'lease' }),
    onLost: (reason) => {
      deps.log.fatal({ reason }, 'signer lease lost: another replica is active');
      deps.onFatal?.(`signer lease lost (${reason})`);
    },
  });
}
