// The execution process: the only file that reads the environment (through the service kit),
// opens NATS, loads the signing key and owns the root logger.
import { connectBus } from '@hyperflow/bus';
import { runService } from '@hyperflow/service';
import { selectSecp256k1Backend } from '@hyperflow/signing';
import { startExecution } from './app.js';
import { ExecutionConfig } from './config.js';
import { loadSigningKey } from './keys/keys.js';

await runService({
  name: 'execution',
  version: '0.1.0',
  description: 'Signals → risk-checked, signed Hyperliquid orders, recorded as events',
  configSchema: ExecutionConfig,
  redactPaths: [
    'EXEC_PRIVATE_KEY',
    'config.EXEC_PRIVATE_KEY',
    '*.EXEC_PRIVATE_KEY',
    'NATS_PASS',
    'config.NATS_PASS',
  ],
  connectNats: (c, log) =>
    connectBus({
      servers: c.NATS_URL,
      name: `execution-${c.CONSUMER_NAME}`,
      ...(c.NATS_USER === undefined ? {} : { user: c.NATS_USER }),
      ...(c.NATS_PASS === undefined ? {} : { pass: c.NATS_PASS }),
      ...(c.NATS_CREDS_FILE === undefined ? {} : { credsFile: c.NATS_CREDS_FILE }),
      log,
    }),
  start: async (ctx) => {
    const { EXEC_PRIVATE_KEY: _key, ...safeConfig } = ctx.config;
    // native libsecp256k1 when it loads and passes its self-test, else pure JS (logged once)
    const backend = selectSecp256k1Backend({ log: ctx.log.child({ part: 'signing' }) });
    const signer = loadSigningKey({ file: ctx.config.EXEC_PRIVATE_KEY_FILE, value: _key }, backend);
    ctx.log.info({ config: { ...safeConfig, signer: signer.address } }, 'configured');
    const running = await startExecution({
      config: ctx.config,
      nc: ctx.nc,
      log: ctx.log,
      metrics: ctx.metrics,
      signer,
      signal: ctx.signal,
      // the lease went to another replica: this one must stop at once (it can no longer sign)
      onFatal: () => process.kill(process.pid, 'SIGTERM'),
      // a hot standby is healthy and ready to take over: ready, with its role in the status
      // (`execution_leader` 0/1 on /metrics); the leader is ready once its start-up is done
      onRole: (role) => {
        ctx.setStats(() => ({ role }));
        if (role === 'standby') ctx.setReady(true);
        else ctx.setReady(false, 'taking over the signer lease');
      },
      // what it waits for (streams, venue meta, the lease bucket, the risk mode, the account)
      onReadiness: (ready, reason) => ctx.setReady(ready, reason),
    });
    ctx.setStats(() => ({ role: 'leader', ...running.stats() }));
    ctx.onShutdown(() => running.stop(), 'execution');
    ctx.setReady(true);
  },
});
