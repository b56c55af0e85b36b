// The strategy process: the only file that reads the environment (through the service kit),
// opens NATS and owns the root logger.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { connectBus, provision, verifyProvisioned } from '@hyperflow/bus';
import { buckets } from '@hyperflow/contracts';
import { runService } from '@hyperflow/service';
import { StrategyError } from './errors.js';
import { loadStrategies } from './host/catalog.js';
import { createHost } from './host/host.js';
import { importStrategyModules } from './host/import-modules.js';
import { StrategyServiceConfig } from './runtime/config.js';
import { startEngine } from './runtime/engine.js';
import { kvSnapshotStore } from './runtime/snapshot.js';

await runService({
  name: 'strategy',
  version: '0.1.0',
  description: 'market events → pure strategies → signals',
  configSchema: StrategyServiceConfig,
  redactPaths: ['NATS_PASS', 'config.NATS_PASS'],
  connectNats: (c, log) =>
    connectBus({
      servers: c.NATS_URL,
      name: `strategy-${c.INSTANCE_ID}`,
      ...(c.NATS_USER === undefined ? {} : { user: c.NATS_USER }),
      ...(c.NATS_PASS === undefined ? {} : { pass: c.NATS_PASS }),
      ...(c.NATS_CREDS_FILE === undefined ? {} : { credsFile: c.NATS_CREDS_FILE }),
      log,
    }),
  start: async (ctx) => {
    const c = ctx.config;
    const strategies = await strategiesOf(c);
    const log = ctx.log.child({ instance: c.INSTANCE_ID });
    if (c.BUS_PROVISION) await provision(ctx.nc, { root: c.SUBJECT_ROOT, namePrefix: c.STREAM_PREFIX, log });
    // as an identity of infra/nats/nats.conf it may create nothing: fail now, naming what is missing
    else if (c.NATS_USER !== undefined) {
      await verifyProvisioned(ctx.nc, c.NATS_USER, {
        root: c.SUBJECT_ROOT,
        namePrefix: c.STREAM_PREFIX,
        net: c.HL_NETWORK,
      });
    }
    const signals = ctx.metrics.counter({
      name: 'strategy_signals_total',
      help: 'Signals published',
      labelNames: ['strategy'],
    });
    const lag = ctx.metrics.latency({
      name: 'strategy_tick_to_signal_seconds',
      help: 'Receive time of the triggering tick to the signal being acknowledged by the stream',
      labelNames: ['strategy'],
    });
    const rejected = ctx.metrics.counter({
      name: 'strategy_inbound_rejected_total',
      help: 'Messages refused and dead-lettered, by reason (network: a message of another network, alert on it)',
      labelNames: ['reason'],
    });
    const snapshots =
      c.SNAPSHOT_EVERY_EVENTS === 0
        ? {}
        : {
            snapshots: {
              store: await kvSnapshotStore(
                ctx.nc,
                buckets(c.STREAM_PREFIX).snapshots,
                `strategy_${c.INSTANCE_ID}`,
              ),
              everyEvents: c.SNAPSHOT_EVERY_EVENTS,
            },
          };
    const engine = await startEngine({
      ...snapshots,
      nc: ctx.nc,
      net: c.HL_NETWORK,
      root: c.SUBJECT_ROOT,
      streamPrefix: c.STREAM_PREFIX,
      instance: c.INSTANCE_ID,
      host: createHost(strategies),
      lookbackMs: c.REPLAY_LOOKBACK_MS,
      maxSignalLagMs: c.SIGNAL_MAX_LAG_MS,
      account: c.ACCOUNT_EVENTS,
      log,
      onRejected: (reason) => rejected.inc({ reason }),
      onSignal: (s, lagMs) => {
        signals.inc({ strategy: s.strategy });
        lag.observe({ strategy: s.strategy }, lagMs / 1000);
      },
    });
    log.info({ strategies: strategies.map((s) => ({ name: s.name, coins: s.coins })) }, 'strategies running');
    ctx.setStats(() => ({ ...engine.stats(), mode: engine.state().mode, disabled: engine.state().disabled }));
    ctx.onShutdown(() => engine.stop(), 'strategy engine');
    ctx.setReady(true);
  },
});

/**
 * The strategies document, loaded and its modules imported. Every failure names the variable it
 * came from (and the file), so a start-up error points at what to fix.
 */
async function strategiesOf(c: StrategyServiceConfig) {
  const variable =
    c.STRATEGIES_JSON === undefined ? `STRATEGIES_FILE (${c.STRATEGIES_FILE})` : 'STRATEGIES_JSON';
  const fail = (what: string, err: unknown): never => {
    throw new StrategyError(`${variable}: ${what}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  };
  let text = c.STRATEGIES_JSON;
  if (text === undefined) {
    try {
      text = readFileSync(c.STRATEGIES_FILE as string, 'utf8');
    } catch (err) {
      return fail('cannot read the strategies file', err);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail('not a JSON strategies document', err);
  }
  // user modules by path: relative to the strategies file (or the working directory)
  const baseDir = c.STRATEGIES_FILE === undefined ? process.cwd() : dirname(c.STRATEGIES_FILE);
  try {
    return loadStrategies(doc, await importStrategyModules(doc, baseDir));
  } catch (err) {
    return fail('invalid strategies document', err);
  }
}
