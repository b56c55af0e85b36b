// The composition root: builds the adapters (NATS, venue clients, metrics) and starts the modules
// in order; stop runs them in reverse. Up to the signer lease a replica follows the bus (a hot
// standby); from there it leads: account, recovery, dead-man's switches, then signals.
// main.ts opens the connections; tests call this directly.
import { createHash } from 'node:crypto';
import { ConcurrencyError, provision, verifyProvisioned } from '@hyperflow/bus';
import { LocalSigner, NonceManager } from '@hyperflow/signing';
import { startAccount } from './account/account.js';
import { accountAdapters } from './account/adapters.js';
import { appendRoundTrips } from './bus/append-strategy.js';
import { busAdapters, openSignerLease } from './bus/nats.js';
import { riskLimits, signingChain } from './config.js';
import { type Deadman, startDeadman, startKillSwitch } from './control/safety.js';
import { Executor } from './execute/executor.js';
import { startSignerLease } from './lease/signer-lease.js';
import { Modules } from './lifecycle/modules.js';
import type { ExecutionDeps, RunningExecution } from './lifecycle/running.js';
import { executionMetrics } from './metrics/metrics.js';
import { OrderMetrics } from './metrics/order-metrics.js';
import { needsResolution } from './order/decider.js';
import { systemClock } from './ports.js';
import { startRecovery } from './recovery/resume.js';
import { RiskBook } from './risk/book.js';
import { startRiskIntake } from './risk/intake.js';
import { startRiskModeRecorder } from './risk/mode-recorder.js';
import { startSignalIntake } from './signals/intake.js';
import { venueOrderSigner } from './submit/signer.js';
import { venueAdapters } from './venue/adapters.js';
import { startVenueConnection } from './venue/connection.js';

export type { ExecutionDeps, RunningExecution } from './lifecycle/running.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export async function startExecution(deps: ExecutionDeps): Promise<RunningExecution> {
  const { config: c, nc, log } = deps;
  if (c.BUS_PROVISION) await provision(nc, { root: c.SUBJECT_ROOT, namePrefix: c.STREAM_PREFIX, log });
  else if (c.NATS_USER !== undefined)
    await verifyProvisioned(nc, c.NATS_USER, {
      root: c.SUBJECT_ROOT,
      namePrefix: c.STREAM_PREFIX,
      net: c.HL_NETWORK,
    });
  const modules = new Modules();
  try {
    return await startModules(deps, modules);
  } catch (err) {
    // a start that fails half-way (or is aborted while waiting) releases what it started
    await modules.stop(log).catch((e: unknown) => log.error({ err: e }, 'stop after a failed start failed'));
    throw err;
  }
}

async function startModules(deps: ExecutionDeps, modules: Modules): Promise<RunningExecution> {
  const { config: c, nc, log } = deps;
  const clock = systemClock(deps.clock ?? Date.now);
  const now = () => clock.now();
  const net = c.HL_NETWORK;
  const bus = await busAdapters({ nc, config: c, clock, log });
  const risk = new RiskBook(riskLimits(c));

  const signer = deps.signer.address;
  const lease = modules.add(
    await startSignerLease({
      log,
      signer,
      openLease: () => openSignerLease({ nc, config: c, signer, clock, log, onFatal: deps.onFatal }),
      localNonces: () => new NonceManager({ clock: now }),
      ...(deps.onRole ? { onRole: deps.onRole } : {}),
    }),
  );
  const mode = () => risk.state.mode;
  const v = await venueAdapters({ ...deps, clock, nonces: lease.nonces, mode });
  const { info, budgets, queue, account } = v;
  const venue = modules.add(await startVenueConnection(v.ports));
  const { registry, sendAction } = venue;
  const track = (work: Promise<unknown>) => venue.track(work);
  const about = { mode: c.EXEC_MODE, net, signer, account, chain: signingChain(c), assets: registry.size };
  log.info(about, 'execution venue ready');

  const signerBackend = deps.signer instanceof LocalSigner ? deps.signer.backend : undefined;
  const metrics = executionMetrics(deps.metrics, budgets, () => lease.active, signerBackend);
  const onMode = (m: typeof risk.state.mode) => {
    metrics.riskMode(m);
    queue?.poke();
  };
  const isActive = () => lease.active;
  const recorder = modules.add(
    await startRiskModeRecorder({ net, clock, log, risk, ...bus.riskLog, isActive, onMode }),
  );
  const apply = recorder.apply;
  const orderMetrics = new OrderMetrics(metrics, clock);
  const pending = new Set<string>();
  const executor = new Executor({
    net,
    subjects: bus.subjects,
    store: bus.store,
    signer: venueOrderSigner(v.signing),
    exchange: v.exchange,
    assets: (coin) => registry.find(coin),
    risk,
    clock: now,
    sha256Hex,
    marketSlippageBps: c.MARKET_SLIPPAGE_BPS,
    maxExpiresAfterMs: c.EXPIRES_AFTER_MS,
    isConcurrencyError: (err) => err instanceof ConcurrencyError,
    appendRoundTrips: appendRoundTrips(bus.appendStrategy),
    onEvents: (events, state) => {
      orderMetrics.record(events);
      for (const e of events) log.debug({ orderId: e.orderId, type: e.type }, 'order event recorded');
      if (needsResolution(state) && state.requested) pending.add(state.requested.orderId);
    },
    onModeChange: (change) => recorder.changed(change, 'orders'),
  });
  const recordCanceled = (cloid: string, reason: string, oid: number) =>
    executor.recordCanceled(cloid, reason, oid);
  const openOrders = () => info.openOrders(account);
  const assetId = (coin: string) => registry.find(coin)?.assetId;
  const killSwitch = modules.add(
    startKillSwitch({ log, sendAction, isActive, openOrders, assetId, recordCanceled, track }),
  );
  let deadman: Deadman | undefined;
  const onMids = (atMs: number) => deadman?.midsObserved(atMs);
  const onHalt = () => void killSwitch.fire();
  const subscriber = bus.subscriber;
  modules.add(startRiskIntake({ subjects: bus.subjects, subscriber, clock, log, apply, onMids, onHalt }));

  await lease.acquire(deps.signal);

  const io = accountAdapters({ config: c, info, account, bus, clock, log });
  const recordFill = executor.recordFill.bind(executor);
  modules.add(
    await startAccount({ net, account, clock, log, metrics, apply, recordFill, recordCanceled, ...io }),
  );
  const openCloids = async () =>
    new Set(
      (await openOrders()).flatMap((o) => (typeof o.cloid === 'string' ? [o.cloid.toLowerCase()] : [])),
    );
  const recovery = modules.add(
    await startRecovery({
      clock,
      log,
      intervalMs: c.RECOVERY_INTERVAL_MS,
      pending,
      scan: bus.scanOrders,
      ...(v.client === undefined ? {} : { openCloids }),
      resume: (orderId) => executor.resume(orderId),
      reconcile: (orderId) => executor.reconcile(orderId),
      track,
    }),
  );
  const scheduleCancel =
    sendAction !== undefined && c.EXEC_SCHEDULE_CANCEL_MS > 0
      ? { afterMs: c.EXEC_SCHEDULE_CANCEL_MS, sendAction, log: log.child({ part: 'scheduleCancel' }) }
      : undefined;
  const kill = (reason: string) => killSwitch.fire(reason);
  const switches = { clock, log, afterMs: c.DEADMAN_AFTER_MS, apply, kill };
  const started = modules.add(
    await startDeadman({ ...switches, ...(scheduleCancel ? { venue: scheduleCancel } : {}) }),
  );
  deadman = started;
  const signals = modules.add(
    await startSignalIntake({
      log,
      consume: bus.consume,
      orderIdFor: (s) => executor.orderIdFor(s),
      handleSignal: (s, o) => executor.handleSignal(s, o),
      ...(queue ? { whenQueued: (orderId: string) => queue.whenQueued(orderId) } : {}),
      pending,
      orderMetrics,
      track,
    }),
  );
  return {
    executor,
    risk,
    pending,
    recover: () => recovery.recover(),
    killSwitch: () => killSwitch.fire(),
    abandon: async () => modules.abandon(log),
    stop: () => modules.stop(log),
    stats: () => ({
      mode: risk.state.mode,
      openOrders: risk.state.openOrders.size,
      pending: pending.size,
      ipBudget: budgets.ip.snapshot(),
      addressBudget: budgets.address.snapshot(),
      submissions: queue?.stats(),
      venueScheduledCancel: started.venueArmedUntil,
      consumer: signals.stats(),
      appendStrategy: bus.appendStrategy,
      orderSteps: executor.stepStats(),
      liveOrders: executor.liveOrders,
    }),
  };
}
