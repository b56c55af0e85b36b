import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { SimulatorConfig } from './config.js';
import { DEFAULT_UNIVERSE, withSyntheticPerps } from './market/universe.js';
import { startSimulator } from './simulator.js';

const parsed = SimulatorConfig.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(
    `invalid simulator environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
  );
  process.exit(1);
}
const config = Object.freeze(parsed.data);
const logger = pino({ level: config.LOG_LEVEL, name: 'simulator' });

const sim = await startSimulator({
  host: config.SIM_HOST,
  port: config.SIM_PORT,
  seed: config.SIM_SEED,
  universe: withSyntheticPerps(DEFAULT_UNIVERSE, config.SIM_SYNTHETIC_PERPS),
  tickMs: config.SIM_TICK_MS,
  bookIntervalMs: config.SIM_BOOK_INTERVAL_MS,
  l2BookIntervalMs: config.SIM_L2BOOK_INTERVAL_MS,
  idleTimeoutMs: config.SIM_IDLE_TIMEOUT_MS,
  isMainnet: config.SIM_NETWORK === 'mainnet',
  accounts: config.SIM_ACCOUNTS,
  agents: config.SIM_AGENTS,
  maxConnectionsPerIp: config.SIM_MAX_WS_CONNECTIONS_PER_IP,
  maxNewConnectionsPerMinute: config.SIM_MAX_NEW_WS_CONNECTIONS_PER_MINUTE,
  ipWeightPerMinute: config.SIM_IP_WEIGHT_PER_MINUTE,
  latencyMs: config.SIM_LATENCY_MS,
  dropEveryMs: config.SIM_DROP_EVERY_MS,
  logger,
});
logger.info({ httpUrl: sim.httpUrl, wsUrl: sim.wsUrl }, 'simulator ready');

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'simulator stopping');
  void sim.close().then(() => process.exit(0));
};
if (config.SIM_REPLAY_FILE) {
  const file = config.SIM_REPLAY_FILE;
  const jsonl = await readFile(file, 'utf8');
  void sim
    .replay(jsonl, { speed: config.SIM_REPLAY_SPEED })
    .then(() => logger.info({ file }, 'replay finished'))
    .catch((err: unknown) => logger.error({ err, file }, 'replay failed'));
}

process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// a closed terminal
process.once('SIGHUP', () => shutdown('SIGHUP'));
if (config.EXIT_ON_STDIN_CLOSE) {
  // the supervisor's end of the pipe closes however it dies (kill -9 included)
  for (const event of ['end', 'close', 'error'] as const)
    process.stdin.once(event, () => shutdown('stdin closed'));
  process.stdin.on('data', () => {}).resume();
}
