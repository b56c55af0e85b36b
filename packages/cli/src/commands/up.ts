import { join } from 'node:path';
import { connectBus } from '@hyperflow/bus';
import { type Net, subjects } from '@hyperflow/contracts';
import { type DemoWallet, demoWallet } from '../stack/demo-wallet.js';
import { startLocalNatsCluster } from '../stack/nats-cluster.js';
import { startLocalNats } from '../stack/nats-server.js';
import { runProvisionStep } from '../stack/provision-step.js';
import { clearSession, writeSession } from '../stack/session.js';
import {
  crashed,
  pollReadiness,
  type RunningService,
  type ServiceSpec,
  startServices,
  stopServices,
} from '../stack/supervisor.js';
import { newLiveStats, observe, render, tick } from '../view/live-stats.js';

export interface UpOptions {
  readonly repoRoot: string;
  readonly net: Net;
  /** stop by itself after this many seconds (demos, tests); undefined = until Ctrl-C */
  readonly forSeconds?: number;
  readonly out: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly interactive: boolean;
  /** first of four consecutive HTTP ports: simulator, ingestor, strategy, execution */
  readonly portBase: number;
  /** a strategies document (absolute path) to run instead of the tick-momentum demo */
  readonly strategiesFile?: string;
  /** nats-server store, service logs and the run's key; default `<repo>/.hyperflow` */
  readonly dataDir?: string;
  /** run this many routed local nats-servers instead of one, every stream and bucket at that many replicas */
  readonly cluster?: number;
}

/** What the local stack trades: a tick strategy, so signals and orders show within seconds. */
const DEMO_STRATEGIES = {
  strategies: [
    {
      kind: 'momentum',
      name: 'momentum',
      config: {
        coins: {
          BTC: { threshold: '0.0005', size: '0.001', cooldownMs: 2000 },
          ETH: { threshold: '0.0005', size: '0.01', cooldownMs: 2000 },
        },
      },
    },
  ],
};

/**
 * The services of the local stack, in start order (producers first), each started once what it
 * depends on answers ready. Execution trades on the simulator with a key made for this run and an
 * account the simulator funds.
 */
function serviceSpecs(
  net: Net,
  natsUrl: string,
  passwords: Record<string, string>,
  wallet: DemoWallet,
  portBase: number,
  strategiesFile: string | undefined,
): ServiceSpec[] {
  const PORTS = {
    simulator: portBase,
    ingestor: portBase + 1,
    strategy: portBase + 2,
    execution: portBase + 3,
  };
  const nats = (user: string) => ({ NATS_URL: natsUrl, NATS_USER: user, NATS_PASS: passwords[user] ?? '' });
  const sim = `127.0.0.1:${PORTS.simulator}`;
  const venue = { HL_NETWORK: net, HL_REST_URL: `http://${sim}`, HL_WS_URL: `ws://${sim}/ws` };
  return [
    {
      name: 'simulator',
      entry: 'services/simulator/dist/main.js',
      env: { SIM_PORT: String(PORTS.simulator), SIM_SEED: '42', SIM_ACCOUNTS: `${wallet.address}=100000` },
      // its /readyz, like the services' (probing /info would spend the venue weight they share)
      httpPort: PORTS.simulator,
    },
    {
      name: 'ingestor',
      entry: 'services/ingestor/dist/main.js',
      env: { ...nats('ingestor'), ...venue, COINS: 'BTC,ETH', CHANNELS: 'trades,l2Book,bbo,allMids' },
      httpPort: PORTS.ingestor,
      dependsOn: ['simulator'],
    },
    {
      name: 'strategy',
      entry: 'services/strategy/dist/main.js',
      env: {
        ...nats('strategy'),
        HL_NETWORK: net,
        ...(strategiesFile === undefined
          ? { STRATEGIES_JSON: JSON.stringify(DEMO_STRATEGIES) }
          : { STRATEGIES_FILE: strategiesFile }),
      },
      httpPort: PORTS.strategy,
      dependsOn: ['ingestor'],
    },
    {
      name: 'execution',
      entry: 'services/execution/dist/main.js',
      env: { ...nats('execution'), ...venue, EXEC_MODE: 'sim', EXEC_PRIVATE_KEY_FILE: wallet.keyFile },
      httpPort: PORTS.execution,
      dependsOn: ['simulator'],
    },
  ];
}

/** Drains our connection, or closes it when the server is already gone (a drain would wait forever). */
async function closeBus(nc: Awaited<ReturnType<typeof connectBus>> | undefined): Promise<void> {
  if (nc === undefined || nc.isClosed()) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    nc.drain().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2_000);
    }),
  ]);
  clearTimeout(timer);
  if (!nc.isClosed()) await nc.close().catch(() => undefined);
}

function statusLines(services: readonly RunningService[]): string[] {
  return services.map(
    (s) =>
      `  ${s.spec.name.padEnd(10)} ${s.state}${s.restarts > 0 ? ` (restarts: ${s.restarts})` : ''}${s.detail ? `  ${s.detail}` : ''}`,
  );
}

/**
 * `hyperflow up`: nats-server + every built service, a live view; Ctrl-C, SIGTERM or a closed
 * terminal (SIGHUP) stops everything, and if `up` itself dies its children notice and stop.
 */
export async function up(opts: UpOptions): Promise<number> {
  // after SIGHUP the terminal is gone and writes to it fail: that must not stop the shutdown
  const ignoreOutError = () => {};
  opts.out.on('error', ignoreOutError);
  const say = (line: string) => {
    try {
      opts.out.write(`${line}\n`);
    } catch {
      // the terminal is gone: nobody is left to read it
    }
  };
  const dataDir = opts.dataDir ?? join(opts.repoRoot, '.hyperflow');
  const configFile = join(opts.repoRoot, 'infra/nats/nats.conf');
  say(
    `hyperflow: starting ${opts.cluster === undefined ? 'nats-server' : `a ${opts.cluster}-node nats-server cluster`} (JetStream, one user per service)…`,
  );
  const nats =
    opts.cluster === undefined
      ? await startLocalNats({ repoRoot: opts.repoRoot, configFile, dataDir: join(dataDir, 'nats') })
      : await startLocalNatsCluster({
          repoRoot: opts.repoRoot,
          configFile,
          dataDir: join(dataDir, 'nats-cluster'),
          size: opts.cluster,
        });
  /** the first server: clients learn the other nodes from it */
  const seedUrl = nats.url.split(',')[0] as string;
  let services: RunningService[] = [];
  let nc: Awaited<ReturnType<typeof connectBus>> | undefined;
  let stopping: Promise<void> | undefined;
  /** a service that crashed (even if restarted) fails the run; one we stopped does not */
  let exitedBeforeStop: boolean | undefined;
  const stop = () => {
    exitedBeforeStop ??= services.some(crashed);
    stopping ??= (async () => {
      say('\nhyperflow: stopping services…');
      await stopServices(services);
      await closeBus(nc);
      await nats.stop();
      clearSession(opts.repoRoot);
      say('hyperflow: stopped.');
    })();
    return stopping;
  };
  const onSignal = () => void stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    say(
      `hyperflow: nats-server ready at ${nats.url}${opts.cluster === undefined ? '' : ` (cluster of ${opts.cluster}, streams at R${opts.cluster})`}`,
    );
    writeSession(opts.repoRoot, { url: seedUrl, user: 'operator', pass: nats.passwords.operator });
    nc = await connectBus({
      servers: nats.url.split(','),
      name: 'hyperflow-cli',
      user: 'operator',
      pass: nats.passwords.operator,
    });
    for (const line of (
      await runProvisionStep({
        url: nats.url.split(','),
        password: nats.passwords.provisioner,
        net: opts.net,
        ...(opts.cluster === undefined ? {} : { replicas: opts.cluster }),
      })
    ).split('\n'))
      say(`hyperflow: ${line}`);
    const wallet = demoWallet(dataDir);
    say(`hyperflow: strategies ${opts.strategiesFile ?? 'tick-momentum demo (BTC, ETH)'}`);
    services = startServices(
      opts.repoRoot,
      serviceSpecs(opts.net, nats.url, nats.passwords, wallet, opts.portBase, opts.strategiesFile),
      join(dataDir, 'logs'),
    );
    say(
      `hyperflow: services (logs in ${opts.dataDir === undefined ? '.hyperflow/logs' : join(dataDir, 'logs')}/):`,
    );
    for (const l of statusLines(services)) say(l);

    const stats = newLiveStats();
    const s = subjects(opts.net);
    const sub = nc.subscribe(`${s.prefix}.>`, {
      callback: (err, msg) => {
        if (err) return;
        let payload: unknown;
        try {
          payload = msg.json();
        } catch {
          payload = undefined;
        }
        observe(stats, msg.subject, payload, performance.timeOrigin + performance.now());
      },
    });
    const started = Date.now();
    while (!stopping) {
      await new Promise((r) => setTimeout(r, 1000));
      if (stopping) break;
      tick(stats);
      await pollReadiness(services);
      const header = [
        `hyperflow (${opts.net}) — up ${Math.round((Date.now() - started) / 1000)} s, nats ${nats.url} — Ctrl-C to stop`,
        ...statusLines(services),
      ];
      if (opts.interactive) opts.out.write(`\x1b[2J\x1b[H${render(stats, header)}\n`);
      else if (Math.round((Date.now() - started) / 1000) % 5 === 0) say(render(stats, header));
      if (opts.forSeconds !== undefined && Date.now() - started >= opts.forSeconds * 1000) break;
    }
    sub.unsubscribe();
    if (!opts.interactive) {
      say(
        render(stats, [
          `hyperflow (${opts.net}) — final view after ${Math.round((Date.now() - started) / 1000)} s`,
          ...statusLines(services),
        ]),
      );
    }
    return (exitedBeforeStop ?? services.some(crashed)) ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
    await stop();
    opts.out.removeListener('error', ignoreOutError);
  }
}
