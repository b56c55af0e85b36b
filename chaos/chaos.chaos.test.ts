// The chaos suite (`npm run test:chaos`): signals flow from a signal source through an execution
// leader and its hot standby to the simulator while faults are injected; then every signal is
// judged from the EXECUTION stream against the venue's ledger, and RELIABILITY.md is written from
// the figures. Sized by CHAOS_SIGNALS (default 300; CI 1000; 10,000 locally), paced by CHAOS_RATE
// signals a second (default 25). Fails on any lost, duplicated or disagreeing order.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus } from '@hyperflow/bus';
import { MidsEvent, type SignalEmitted, streams, subjects } from '@hyperflow/contracts';
import { waitFor } from '@hyperflow/testkit';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { demoWallet } from '../packages/cli/src/stack/demo-wallet.js';
import { runProvisionStep } from '../packages/cli/src/stack/provision-step.js';
import { cloidForSignal } from '../services/execution/src/order/cloid.js';
import { type FaultProxy, type ProxyFault, startFaultProxy } from './fault-proxy.js';
import { ended, judge, type LoggedEvent, renderReliability, tally, type Verdict } from './report.js';
import {
  type ChaosNats,
  freePort,
  httpOk,
  killAll,
  leaderFlag,
  repoRoot,
  type Service,
  startNats,
  startService,
} from './stack.js';

const SIGNALS = Number(process.env.CHAOS_SIGNALS ?? '300');
const RATE = Number(process.env.CHAOS_RATE ?? '25');
const SEED = Number(process.env.CHAOS_SEED ?? '1');
if (!Number.isInteger(SIGNALS) || SIGNALS < 1)
  throw new Error(`CHAOS_SIGNALS must be a positive integer, got ${process.env.CHAOS_SIGNALS}`);
if (!(RATE > 0)) throw new Error(`CHAOS_RATE must be a positive number, got ${process.env.CHAOS_RATE}`);
/** fault cycles: max(1, round(SIGNALS / 1000)) */
const CYCLES = Math.max(1, Math.round(SIGNALS / 1000));

const s = subjects('sim');
const sha256Hex = (t: string) => createHash('sha256').update(t).digest('hex');

/** mulberry32: the same seed injects the same faults on the same requests */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type FaultKind =
  | 'kill -9 leader'
  | 'nats restart'
  | 'venue ws drop'
  | 'venue 429 storm'
  | 'venue latency'
  | `venue ${ProxyFault}`;

/** one cycle of faults; the run holds max(1, round(SIGNALS / 1000)) cycles, spread over the signals */
const CYCLE: readonly FaultKind[] = [
  'kill -9 leader',
  'venue 5xx-before',
  'venue 429 storm',
  'venue reset-after',
  'venue latency',
  'kill -9 leader',
  'venue 5xx-after',
  'venue ws drop',
  'venue reset-before',
  'nats restart',
  'kill -9 leader',
];

/**
 * The run's whole time bound: start-up, publishing (paced), up to 90 s per fault (a kill waits for
 * the takeover and the restarted replica), settling and judging.
 */
const BUDGET_MS = 300_000 + Math.ceil((SIGNALS / RATE) * 1000) * 2 + CYCLES * CYCLE.length * 90_000;

/** progress on the test's output: where a slow or stuck run is */
const note = (line: string) => process.stdout.write(`chaos ${new Date().toISOString()} ${line}\n`);

const work = mkdtempSync(join(tmpdir(), 'hyperflow-chaos-'));
const logDir = join(work, 'logs');
mkdirSync(logDir, { recursive: true });
const connections: NatsConnection[] = [];
let proxy: FaultProxy | undefined;
const timers: ReturnType<typeof setInterval>[] = [];

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  for (const nc of connections) await nc.close().catch(() => undefined);
  await proxy?.close();
  await killAll();
  if (process.env.CHAOS_KEEP !== '1') rmSync(work, { recursive: true, force: true });
}, 60_000);

/** the tail of every log of this run, for a failure message */
function diagnostics(): string {
  return readdirSync(logDir)
    .map(
      (f) =>
        `--- ${f}\n${readFileSync(join(logDir, f), 'utf8')
          .trimEnd()
          .split('\n')
          .slice(-20)
          .map((l) => l.slice(0, 400))
          .join('\n')}`,
    )
    .join('\n');
}

async function simPost(sim: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sim}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${path} ${JSON.stringify(body)}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

describe('chaos: execution leader + standby on the simulator under faults', () => {
  it(
    `${SIGNALS} signals: none lost, none duplicated, the log and the venue agree`,
    async () => {
      try {
        await chaosRun();
      } catch (err) {
        if (err instanceof Error) err.message += `\n${diagnostics()}`;
        throw err;
      }
    },
    BUDGET_MS,
  );
});

async function chaosRun(): Promise<void> {
  const t0 = Date.now();
  const random = seeded(SEED);

  // 1. nats-server with the repository's conf, provisioned as `hyperflow up` does
  const nats: ChaosNats = await startNats(join(work, 'nats'));
  await runProvisionStep({ url: nats.url, password: nats.passwords.provisioner, net: 'sim' });
  const as = async (user: 'strategy' | 'ingestor' | 'operator') => {
    const nc = await connectBus({
      servers: nats.url,
      name: `chaos-${user}`,
      user,
      pass: nats.passwords[user],
      reconnectTimeWaitMs: 200,
    });
    connections.push(nc);
    return nc;
  };

  // 2. the simulator (funded account, a weight cap the suite never reaches), the fault proxy on its REST
  const wallet = demoWallet(join(work, 'wallet'));
  const simPort = await freePort();
  const simulator = startService(
    'simulator',
    'services/simulator/src/main.ts',
    {
      SIM_PORT: String(simPort),
      SIM_SEED: '42',
      SIM_ACCOUNTS: `${wallet.address}=100000000`,
      SIM_IP_WEIGHT_PER_MINUTE: '1000000000',
      LOG_LEVEL: 'warn',
    },
    simPort,
    logDir,
  );
  const SIM = `http://127.0.0.1:${simPort}`;
  await waitFor(() => httpOk(`${SIM}/readyz`), 60_000, 'simulator ready');
  expect(simulator.child.exitCode).toBeNull();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: simPort }, random });

  // 3. mids as the ingestor would publish them (the risk engine's price band needs fresh ones)
  const ingestor = await as('ingestor');
  const publishMids = async () => {
    const raw = (await simPost(SIM, '/info', { type: 'allMids' })) as Record<string, unknown>;
    const mids = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const now = Date.now();
    const event = MidsEvent.parse({
      type: 'mids',
      v: 1,
      net: 'sim',
      id: `mids:${now}`,
      mids,
      exchTsMs: now,
      recvTsMs: now,
    });
    ingestor.publish(s.mids(), JSON.stringify(event));
  };
  await publishMids();
  timers.push(setInterval(() => void publishMids().catch(() => undefined), 300));

  // 4. the execution leader and its hot standby
  const execEnv = (httpPort: number): Record<string, string> => ({
    NATS_URL: nats.url,
    NATS_USER: 'execution',
    NATS_PASS: nats.passwords.execution,
    HL_NETWORK: 'sim',
    EXEC_MODE: 'sim',
    HL_REST_URL: proxy?.url ?? '',
    HL_WS_URL: `ws://127.0.0.1:${simPort}/ws`,
    EXEC_PRIVATE_KEY_FILE: wallet.keyFile,
    HTTP_PORT: String(httpPort),
    IP_BUDGET_WINDOW_MS: '1000',
    EXEC_REST_WEIGHT_PER_MINUTE: '1200',
    REQUEST_TIMEOUT_MS: '2000',
    RECOVERY_INTERVAL_MS: '500',
    RISK_MAX_ORDERS_PER_MINUTE: '1000000',
    RISK_MAX_OPEN_ORDERS: '1000',
    RISK_MAX_ORDER_NOTIONAL: '1000000',
    RISK_MAX_POSITION_NOTIONAL_PER_COIN: '100000000',
    RISK_MAX_TOTAL_POSITION_NOTIONAL: '100000000',
    RISK_MAX_CONSECUTIVE_REJECTS: '1000000',
    LOG_LEVEL: 'info',
  });
  const replicas: Service[] = [];
  for (const name of ['execution-a', 'execution-b']) {
    const port = await freePort();
    replicas.push(startService(name, 'services/execution/src/main.ts', execEnv(port), port, logDir));
  }
  const leaderOf = async (): Promise<Service | undefined> => {
    const flags = await Promise.all(replicas.map((r) => leaderFlag(r.httpPort)));
    const leaders = replicas.filter((_, i) => flags[i] === 1);
    return leaders.length === 1 ? leaders[0] : undefined;
  };
  await waitFor(
    async () =>
      (await Promise.all(replicas.map((r) => httpOk(`http://127.0.0.1:${r.httpPort}/readyz`)))).every(
        Boolean,
      ),
    120_000,
    'both execution replicas ready',
  );
  await waitFor(async () => (await leaderOf()) !== undefined, 60_000, 'one execution leader');
  note('stack ready: nats-server, simulator, execution leader and standby');

  // 5. faults
  const injected: Record<string, number> = {};
  const count = (k: FaultKind) => {
    injected[k] = (injected[k] ?? 0) + 1;
  };
  const fault = async (k: FaultKind): Promise<void> => {
    switch (k) {
      case 'kill -9 leader': {
        const leader = await leaderOf();
        if (leader === undefined) throw new Error('no single leader to kill');
        leader.child.kill('SIGKILL');
        count(k);
        const other = replicas.find((r) => r !== leader);
        await waitFor(
          async () => other !== undefined && (await leaderFlag(other.httpPort)) === 1,
          60_000,
          'the standby takes over',
        );
        leader.respawn();
        await waitFor(
          () => httpOk(`http://127.0.0.1:${leader.httpPort}/readyz`),
          120_000,
          `${leader.name} back as standby`,
        );
        return;
      }
      case 'nats restart':
        await nats.restart();
        count(k);
        return;
      case 'venue ws drop':
        await simPost(SIM, '/_sim/faults', { fault: 'dropConnections' });
        count(k);
        return;
      case 'venue 429 storm':
        await simPost(SIM, '/_sim/faults', { fault: 'rateLimit', ms: 3_000 });
        count(k);
        await new Promise((r) => setTimeout(r, 3_000));
        return;
      case 'venue latency':
        // beyond REQUEST_TIMEOUT_MS: sends time out after the venue executed them
        await simPost(SIM, '/_sim/faults', { fault: 'latency', ms: 2_500 });
        count(k);
        await new Promise((r) => setTimeout(r, 4_000));
        await simPost(SIM, '/_sim/faults', { fault: 'latency', ms: 0 });
        return;
      default: {
        const kind = k.slice('venue '.length) as ProxyFault;
        proxy?.inject(kind, 4_000, 0.5);
        count(k);
        await new Promise((r) => setTimeout(r, 4_000));
      }
    }
  };

  // 6. signals on SIGNALS (strategy identity), paced, with the faults spread between them
  const strategy = await as('strategy');
  const js = jetstream(strategy, { timeout: 5_000 });
  const runId = Date.now().toString(36);
  const plan = Array.from({ length: CYCLES }, () => CYCLE).flat();
  const faultAt = new Map(plan.map((k, i) => [Math.floor(((i + 1) * SIGNALS) / (plan.length + 1)), k]));
  const signals: SignalEmitted[] = [];
  let faulting: Promise<void> = Promise.resolve();
  let faultError: unknown;
  let publishFrom = Date.now();
  for (let i = 0; i < SIGNALS; i++) {
    const k = faultAt.get(i);
    if (k !== undefined) {
      // one fault at a time: the next waits for the last to finish (a kill waits for the takeover)
      await faulting;
      note(`signal ${i}: ${k}`);
      faulting = fault(k)
        .then(() => {
          note(`${k} done`);
        })
        .catch((err) => {
          faultError = err;
        });
    }
    const now = Date.now();
    const sig: SignalEmitted = {
      type: 'signal',
      v: 1,
      net: 'sim',
      id: `chaos:${runId}:${i}`,
      strategy: 'chaos',
      coin: 'BTC',
      // alternating sides keep the position near flat, whatever the faults refuse
      side: i % 2 === 0 ? 'buy' : 'sell',
      size: '0.001',
      style: 'market',
      reduceOnly: false,
      reason: 'chaos suite',
      causes: [{ id: `chaos:${i}`, exchTsMs: now, recvTsMs: now }],
      createdAtMs: now,
      ttlMs: 60_000,
    };
    signals.push(sig);
    // published until the stream acks it (a NATS restart in between): the msgID de-duplicates
    await waitFor(
      async () => {
        try {
          await js.publish(s.signal(sig.strategy, sig.coin), JSON.stringify(sig), { msgID: sig.id });
          return true;
        } catch {
          return false;
        }
      },
      60_000,
      `signal ${i} published`,
    );
    // paced to RATE from the publish start (a fault's pause is not made up in a burst)
    const slot = ((i + 1) * 1000) / RATE;
    const ahead = publishFrom + slot - Date.now();
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    else publishFrom = Date.now() - slot;
  }
  await faulting;
  if (faultError !== undefined) throw faultError;
  const publishedAt = Date.now();
  note(`${SIGNALS} signals published, settling`);

  // 7. settle: every signal's order stream ends (or the bound passes), then read both records
  const operator = await as('operator');
  const ojs = jetstream(operator, { timeout: 10_000 });
  const execStream = streams().EXECUTION.name;
  const byOrder = new Map<string, LoggedEvent[]>();
  const cloids = new Map(signals.map((sig) => [cloidForSignal(sig.id, sha256Hex), sig.id]));
  const readLog = async () => {
    byOrder.clear();
    const consumer = await ojs.consumers.get(execStream, {
      filter_subjects: [`${s.prefix}.exec.order.>`],
      deliver_policy: DeliverPolicy.All,
    });
    const info = await consumer.info(true);
    let pending = info.num_pending;
    while (pending > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(pending, 1000), expires: 5_000 });
      for await (const m of batch) {
        const cloid = m.subject.slice(m.subject.lastIndexOf('.') + 1);
        const list = byOrder.get(cloid) ?? [];
        list.push(m.json<LoggedEvent>());
        byOrder.set(cloid, list);
        pending = m.info.pending;
      }
    }
    await consumer.delete().catch(() => undefined);
  };
  await waitFor(
    async () => {
      await readLog();
      if ([...cloids.keys()].every((c) => ended(byOrder.get(c) ?? []))) return true;
      await new Promise((r) => setTimeout(r, 1_000));
      return false;
    },
    120_000,
    'every signal ends on the EXECUTION stream',
  ).catch(() => undefined); // what never ended is judged (and counted) below

  // the venue's record: every accepted order of the account, with its cloid
  const ledger = (await (
    await fetch(`${SIM}/_sim/ledger`, { signal: AbortSignal.timeout(30_000) })
  ).json()) as {
    kind: string;
    user: string;
    oid?: number;
  }[];
  const venueOrders = ledger.filter((e) => e.kind === 'order' && e.user === wallet.address);
  const perCloid = new Map<string, number[]>();
  let orphans = 0;
  const venueStatus = new Map<number, string>();
  for (const o of venueOrders) {
    const st = (await simPost(SIM, '/info', { type: 'orderStatus', user: wallet.address, oid: o.oid })) as {
      order?: { order?: { cloid?: string }; status?: string };
    };
    venueStatus.set(o.oid as number, st.order?.status ?? 'unknown');
    const cloid = st.order?.order?.cloid;
    if (cloid === undefined || !cloids.has(cloid)) orphans += 1;
    else perCloid.set(cloid, [...(perCloid.get(cloid) ?? []), o.oid as number]);
  }

  // 8. the verdicts, the figures, RELIABILITY.md
  const verdicts: Verdict[] = [...cloids.keys()].map((c) =>
    judge(byOrder.get(c) ?? [], perCloid.get(c) ?? []),
  );
  const figures = tally(verdicts, {
    faults: injected,
    orphans,
    durationS: Math.round((Date.now() - t0) / 1000),
    when: new Date().toISOString(),
  });
  const bad = verdicts
    .map((v, i) => {
      const oids = perCloid.get([...cloids.keys()][i] ?? '') ?? [];
      return { v, id: signals[i]?.id, venue: oids.map((o) => `${o}:${venueStatus.get(o)}`) };
    })
    .filter((x) => x.v.kind === 'lost' || x.v.kind === 'duplicated' || x.v.kind === 'disagree')
    .slice(0, 20);
  // the figures whatever the verdict: they are what the run shows
  writeFileSync(join(repoRoot, 'RELIABILITY.md'), renderReliability(figures));
  process.stdout.write(
    `chaos: ${JSON.stringify({ ...figures, proxyHits: proxy.hits, publishS: Math.round((publishedAt - t0) / 1000) })}\n`,
  );
  expect(Object.keys(injected).length, 'every fault kind injected').toBe(new Set(CYCLE).size);
  expect(bad, 'lost, duplicated or disagreeing signals (first 20)').toEqual([]);
  expect(figures.orphans, 'venue orders without a signal').toBe(0);
  expect(figures.survived + figures.refusedDefinitive + figures.refusedOther).toBe(SIGNALS);
}
