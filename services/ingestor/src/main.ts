// The ingestor process: the only file that reads the environment (through the service kit),
// opens NATS and the venue sockets, and owns the root logger.
import { connectBus } from '@hyperflow/bus';
import { runService } from '@hyperflow/service';
import { startIngestor } from './app.js';
import { IngestorConfig } from './config/config.js';

await runService({
  name: 'ingestor',
  version: '0.1.0',
  description: 'Hyperliquid market data → NATS JetStream',
  configSchema: IngestorConfig,
  redactPaths: ['NATS_PASS', 'config.NATS_PASS'],
  connectNats: (c, log) =>
    connectBus({
      servers: c.NATS_URL,
      name: `ingestor-${c.INSTANCE_ID}`,
      ...(c.NATS_USER === undefined ? {} : { user: c.NATS_USER }),
      ...(c.NATS_PASS === undefined ? {} : { pass: c.NATS_PASS }),
      ...(c.NATS_CREDS_FILE === undefined ? {} : { credsFile: c.NATS_CREDS_FILE }),
      log,
    }),
  start: async (ctx) => {
    const running = await startIngestor({
      config: ctx.config,
      nc: ctx.nc,
      log: ctx.log.child({ instance: ctx.config.INSTANCE_ID }),
      metrics: ctx.metrics,
      onReadiness: (ready, reason) => ctx.setReady(ready, reason),
    });
    ctx.setStats(() => ({
      coins: running.coins.length,
      subscriptions: running.plan.length,
      live: running.ingestor.liveSubscriptions,
      fallback: running.poller.active,
      budget: running.budget.snapshot(),
      publish: running.bus.stats(),
    }));
    ctx.onShutdown(() => running.stop(), 'ingestor');
  },
});
