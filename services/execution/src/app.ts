// The composition root: builds the adapters (NATS, venue clients, metrics) and starts the modules
// in order; stop runs them in reverse. Up to the signer lease a replica follows the bus (a hot
// standby); from there it leads: account, recovery, dead-man's switches, then signals.
// main.ts opens the connections; tests call this directly.
import { provision, verifyProvisioned } from '@hyperflow/bus';
import { LocalSigner } from '@hyperflow/signing';
import { startAccount } from './account/account.js';
import { accountAdapters } from './account/adapters.js';
import { appendRoundTrips } from './bus/append-strategy.js';
import { busAdapters, signerLeasePorts } from './bus/nats.js';
import { riskLimits, signingChain } from './config.js';
import { type Deadman, startDeadman, startKillSwitch } from './control/safety.js';
import { liveExecutor } from './execute/live.js';
import { startSignerLease } from './lease/signer-lease.js';
import { Modules } from './lifecycle/modules.js';
import type { ExecutionDeps, RunningExecution } from './lifecycle/running.js';
import { executionMetrics } from './metrics/metrics.js';
import { OrderMetrics } from './metrics/order-metrics.js';
import { systemClock } from './ports.js';
import { startRecovery } from './recovery/resume.js';
import { RiskBook } from './risk/book.js';
import type { ModeChange } from './risk/engine.js';
import { startRiskIntake } from './risk/intake.js';
import { startRiskModeRecorder } from './risk/mode-recorder.js';
import { startSignalIntake } from './signals/intake.js';
import { venueAdapters } from './venue/adapters.js';
import { startVenueConnection } from './venue/connection.js';

export type { ExecutionDeps, RunningExecution } from './lifecycle/running.js';

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
    return await startLeading(await startFollowing(deps, modules));
  } catch (err) {
    // a start that fails half-way (or is aborted while waiting) releases what it started
    await modules.stop(log).catch((e: unknown) => log.error({ err: e }, 'stop after a failed start failed'));
    throw err;
  }
}

/** What a replica runs from the start, as a standby too. */
type Following = Awaited<ReturnType<typeof startFollowing>>;

async function startFollowing(deps: ExecutionDeps, modules: Modules) {
  const { config: c, nc, log } = deps;
  const clock = systemClock(deps.clock ?? Date.now);
  const net = c.HL_NETWORK;
  const onWaiting = (why: string) => deps.onReadiness?.(false, why);
  const retry = { clock, log, signal: deps.signal, onWaiting };
  const bus = await busAdapters({ nc, config: c, clock, log, retry });
  const risk = new RiskBook(riskLimits(c));
  const signer = deps.signer.address;
  const leasePorts = signerLeasePorts({ nc, config: c, signer, clock, log, onFatal: deps.onFatal, retry });
  const lease = modules.add(
    await startSignerLease({ ...leasePorts, ...(deps.onRole ? { onRole: deps.onRole } : {}) }),
  );
  const v = await venueAdapters({ ...deps, clock, nonces: lease.nonces, mode: () => risk.state.mode });
  const venue = modules.add(await startVenueConnection({ ...v.ports, retry }));
  const about = { mode: c.EXEC_MODE, net, signer, account: v.account, chain: signingChain(c) };
  log.info({ ...about, assets: venue.registry.size }, 'execution venue ready');

  const signerBackend = deps.signer instanceof LocalSigner ? deps.signer.backend : undefined;
  const metrics = executionMetrics(deps.metrics, v.budgets, () => lease.active, signerBackend);
  const onMode = (mode: typeof risk.state.mode) => {
    metrics.riskMode(mode);
    v.queue?.poke();
  };
  const isActive = () => lease.active;
  const recorder = modules.add(
    await startRiskModeRecorder({ net, clock, log, risk, ...bus.riskLog, isActive, onMode, retry }),
  );
  const [orderMetrics, pending] = [new OrderMetrics(metrics, clock), new Set<string>()];
  const { subjects, store } = bus;
  const { signing, exchange } = v;
  const onModeChange = (change: ModeChange) => recorder.changed(change, 'orders');
  const executor = liveExecutor({
    config: c,
    net,
    subjects,
    store,
    signing,
    exchange,
    risk,
    clock,
    log,
    pending,
    ...{
      registry: venue.registry,
      orderMetrics,
      onModeChange,
      appendRoundTrips: appendRoundTrips(bus.appendStrategy),
    },
  });
  const killSwitch = modules.add(
    startKillSwitch({
      log,
      sendAction: venue.sendAction,
      isActive,
      openOrders: v.openOrders,
      assetId: (coin) => venue.registry.find(coin)?.assetId,
      recordCanceled: (cloid, reason, oid) => executor.recordCanceled(cloid, reason, oid),
      track: (work) => venue.track(work),
      retry: { clock, log },
    }),
  );
  let deadman: Deadman | undefined;
  const onMids = (atMs: number) => deadman?.midsObserved(atMs);
  const onHalt = () => void killSwitch.fire();
  const intake = { subjects, subscriber: bus.subscriber, clock, log, apply: recorder.apply, onMids, onHalt };
  modules.add(startRiskIntake(intake));
  const setDeadman = (d: Deadman) => {
    deadman = d;
  };
  const started = { deps, modules, clock, retry, bus, v, venue, lease, risk, metrics, recorder };
  return { ...started, orderMetrics, pending, executor, killSwitch, setDeadman };
}

/** Once this replica holds the signer lease: account, recovery, dead-man's switches, signals. */
async function startLeading(f: Following): Promise<RunningExecution> {
  const { deps, modules, clock, retry, bus, v, venue, executor, pending, killSwitch } = f;
  const { config: c, log } = deps;
  await f.lease.acquire(deps.signal);

  const apply = f.recorder.apply;
  const recordFill = executor.recordFill.bind(executor);
  const recordCanceled = (cloid: string, reason: string, oid: number) =>
    executor.recordCanceled(cloid, reason, oid);
  const onReconciled = () => deps.onReadiness?.(true);
  const io = accountAdapters({ config: c, info: v.info, account: v.account, bus, clock, log });
  const account = { net: c.HL_NETWORK, account: v.account, clock, log, metrics: f.metrics, apply };
  modules.add(await startAccount({ ...account, recordFill, recordCanceled, retry, onReconciled, ...io }));
  const recovery = modules.add(
    await startRecovery({
      ...{ clock, log, intervalMs: c.RECOVERY_INTERVAL_MS, pending, scan: bus.scanOrders, retry },
      ...(v.openCloids === undefined ? {} : { openCloids: v.openCloids }),
      resume: (orderId) => executor.resume(orderId),
      reconcile: (orderId) => executor.reconcile(orderId),
      track: (work) => venue.track(work),
    }),
  );
  const sendAction = venue.sendAction;
  const scheduleCancel =
    sendAction !== undefined && c.EXEC_SCHEDULE_CANCEL_MS > 0
      ? {
          venue: {
            afterMs: c.EXEC_SCHEDULE_CANCEL_MS,
            sendAction,
            log: log.child({ part: 'scheduleCancel' }),
          },
        }
      : {};
  const kill = (reason: string) => killSwitch.fire(reason);
  const deadman = modules.add(
    await startDeadman({ clock, log, afterMs: c.DEADMAN_AFTER_MS, apply, kill, ...scheduleCancel }),
  );
  f.setDeadman(deadman);
  const queue = v.queue;
  const signals = modules.add(
    await startSignalIntake({
      ...{ log, consume: bus.consume, pending, orderMetrics: f.orderMetrics },
      orderIdFor: (s) => executor.orderIdFor(s),
      handleSignal: (s, o) => executor.handleSignal(s, o),
      ...(queue ? { whenQueued: (orderId: string) => queue.whenQueued(orderId) } : {}),
      track: (work) => venue.track(work),
    }),
  );
  const { risk, v: adapters } = f;
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
      ipBudget: adapters.budgets.ip.snapshot(),
      addressBudget: adapters.budgets.address.snapshot(),
      submissions: queue?.stats(),
      venueScheduledCancel: deadman.venueArmedUntil,
      consumer: signals.stats(),
      appendStrategy: bus.appendStrategy,
      orderSteps: executor.stepStats(),
      liveOrders: executor.liveOrders,
    }),
  };
}
