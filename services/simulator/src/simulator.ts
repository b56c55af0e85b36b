import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { assertNever, SimulatorError } from './errors.js';
import type { StallTarget } from './faults/faults.js';
import { httpHandler } from './http/routes.js';
import { isMoveError, type MoveRequest, type MoveResult, parseMove } from './market/move.js';
import { DEFAULT_UNIVERSE, type Universe } from './market/universe.js';
import type { LedgerEntry } from './matching/types.js';
import { parseRecording, schedule } from './replay/recording.js';
import { Venue } from './venue/venue.js';
import { WsHub } from './ws/hub.js';

export interface SimulatorOptions {
  readonly host?: string;
  /** 0 picks a free port */
  readonly port?: number;
  readonly seed?: number;
  readonly universe?: Universe;
  /** defaults to the system clock */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** funded test accounts: address → USDC balance (decimal string) */
  readonly accounts?: Readonly<Record<string, string>>;
  /** spot balances: address → token → amount; standard mode keeps them apart from perp USDC */
  readonly spotBalances?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** vaults users may deposit into: vault address → name and leader */
  readonly vaults?: Readonly<Record<string, { readonly name: string; readonly leader: string }>>;
  /** approved agents: agent address → master address */
  readonly agents?: Readonly<Record<string, string>>;
  /** phantom agent source "a" (mainnet) or "b" (testnet) */
  readonly isMainnet?: boolean;
  /** market step period; 0 = no timer, call `tick()` yourself (deterministic runs) */
  readonly tickMs?: number;
  /** ticks run before listening, so books, trades and candles exist from the first request */
  readonly warmupTicks?: number;
  /** fast l2Book, allMids and activeAssetCtx cadence; default 500 (venue: 0.5 s) */
  readonly bookIntervalMs?: number;
  /** plain l2Book cadence; default 5000 (venue 2026: at most every 5 s, `fast: true` for 0.5 s) */
  readonly l2BookIntervalMs?: number;
  readonly idleTimeoutMs?: number;
  readonly ipWeightPerMinute?: number;
  readonly addressBudgetInitial?: number;
  readonly scheduleCancelMinVolume?: number;
  readonly takerProbability?: number;
  /** fault from config: added latency on every REST reply and WS post reply */
  readonly latencyMs?: number;
  /** fault from config: drop every WS connection this often (venue: unannounced periodic disconnects) */
  readonly dropEveryMs?: number;
  /** venue: 10 simultaneous WS connections per IP */
  readonly maxConnectionsPerIp?: number;
  /** venue: 30 new WS connections per minute per IP */
  readonly maxNewConnectionsPerMinute?: number;
}

/** Fault injection on a running simulator. */
export interface Faults {
  /** close every WS connection abruptly */
  dropConnections(): void;
  /** stop data frames on one channel (optionally one coin) for `ms`; socket and pongs keep going */
  stall(target: StallTarget, ms: number): void;
  /** send one frame that is not JSON on every socket */
  sendMalformed(): void;
  /** answer every REST call and WS post with 429 for `ms` */
  rateLimit(ms: number): void;
  /** delay every REST reply and WS post reply */
  setLatency(ms: number): void;
  /** refuse the next `n` orders with `reason` (default: insufficient margin) */
  rejectNextOrders(n: number, reason?: string): void;
  /** clear every fault */
  clear(): void;
}

export interface SimulatorHandle {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly venue: Venue;
  readonly faults: Faults;
  /** one market step now (what the timer does) */
  tick(): void;
  /**
   * Forced price move (tests, demos): the coin's mid jumps by `bps` or to `px`, books and mids are
   * pushed at once, the next step prints a trade at the new price. Undefined for an unknown coin.
   */
  move(req: MoveRequest): MoveResult | undefined;
  /** everything accepted: orders, cancels, fills */
  ledger(): readonly LedgerEntry[];
  /**
   * Plays recorded venue frames (JSONL, see parseRecording) to matching subscribers at `speed`×
   * real time (Infinity = as fast as possible); resolves when the last frame is out.
   */
  replay(jsonl: string, opts?: { speed?: number }): Promise<void>;
  close(): Promise<void>;
}

const FaultCommand = z.discriminatedUnion('fault', [
  z.object({ fault: z.literal('dropConnections') }),
  z.object({
    fault: z.literal('stall'),
    channel: z.string(),
    coin: z.string().optional(),
    ms: z.number().int().positive(),
  }),
  z.object({ fault: z.literal('sendMalformed') }),
  z.object({ fault: z.literal('rateLimit'), ms: z.number().int().positive() }),
  z.object({ fault: z.literal('latency'), ms: z.number().int().nonnegative() }),
  z.object({
    fault: z.literal('rejectOrders'),
    n: z.number().int().nonnegative(),
    reason: z.string().optional(),
  }),
  z.object({ fault: z.literal('clear') }),
]);
type FaultCommand = z.infer<typeof FaultCommand>;

const systemClock: Clock = { now: () => Date.now() };

/** Starts the simulated venue: HTTP /info, /exchange and WS /ws on one port. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const clock = opts.clock ?? systemClock;
  const venue = new Venue({
    universe: opts.universe ?? DEFAULT_UNIVERSE,
    seed: opts.seed ?? 1,
    clock,
    accounts: opts.accounts ?? {},
    agents: opts.agents ?? {},
    isMainnet: opts.isMainnet ?? true,
    ipWeightPerMinute: opts.ipWeightPerMinute ?? 1200,
    addressBudgetInitial: opts.addressBudgetInitial ?? 10_000,
    scheduleCancelMinVolume: opts.scheduleCancelMinVolume ?? 1_000_000,
    ...(opts.takerProbability !== undefined ? { takerProbability: opts.takerProbability } : {}),
    ...(opts.spotBalances !== undefined ? { spotBalances: opts.spotBalances } : {}),
    ...(opts.vaults !== undefined ? { vaults: opts.vaults } : {}),
  });
  const hub = new WsHub(venue, {
    idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
    bookIntervalMs: opts.bookIntervalMs ?? 500,
    l2BookIntervalMs: opts.l2BookIntervalMs ?? 5_000,
    maxConnectionsPerIp: opts.maxConnectionsPerIp ?? 10,
    maxNewConnectionsPerMinute: opts.maxNewConnectionsPerMinute ?? 30,
    logger,
  });
  const tick = () => {
    venue.tick();
    hub.afterTick(clock.now());
  };
  for (let i = 0; i < (opts.warmupTicks ?? 30); i++) venue.tick();
  const move = (req: MoveRequest): MoveResult | undefined => {
    const r = venue.move(req);
    if (r) {
      hub.afterTick(clock.now());
      logger.info(r, 'forced price move');
    }
    return r;
  };

  const faults: Faults = {
    dropConnections: () => hub.dropConnections(),
    stall: (target, ms) => {
      venue.faults.stalls.push({ target, until: clock.now() + ms });
    },
    sendMalformed: () => hub.sendMalformed(),
    rateLimit: (ms) => {
      venue.faults.rateLimitedUntil = clock.now() + ms;
    },
    setLatency: (ms) => {
      venue.faults.latencyMs = ms;
    },
    rejectNextOrders: (n, reason) => {
      venue.faults.rejectOrders = n;
      if (reason) venue.faults.rejectReason = reason;
    },
    clear: () => {
      venue.faults.stalls.length = 0;
      venue.faults.rateLimitedUntil = 0;
      venue.faults.latencyMs = 0;
      venue.faults.rejectOrders = 0;
    },
  };
  const applyFault = (c: FaultCommand): void => {
    switch (c.fault) {
      case 'dropConnections':
        faults.dropConnections();
        return;
      case 'stall':
        faults.stall(
          c.coin === undefined ? { channel: c.channel } : { channel: c.channel, coin: c.coin },
          c.ms,
        );
        return;
      case 'sendMalformed':
        faults.sendMalformed();
        return;
      case 'rateLimit':
        faults.rateLimit(c.ms);
        return;
      case 'latency':
        faults.setLatency(c.ms);
        return;
      case 'rejectOrders':
        faults.rejectNextOrders(c.n, c.reason);
        return;
      case 'clear':
        faults.clear();
        return;
      default:
        assertNever(c);
    }
  };

  const ledger = () => venue.engine.ledger;
  let closed = false;
  const replay = async (jsonl: string, ropts: { speed?: number } = {}): Promise<void> => {
    const frames = parseRecording(jsonl);
    hub.addCoins(frames.flatMap((f) => (f.coin === undefined ? [] : [f.coin])));
    const delays = schedule(frames, ropts.speed ?? 1);
    const start = performance.now();
    for (const [i, frame] of frames.entries()) {
      if (closed) return;
      const wait = start + (delays[i] ?? 0) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
      hub.deliverRecorded(frame);
    }
  };
  const server = createServer(
    httpHandler(
      venue,
      {
        ledger,
        applyFaults: (body) => {
          const parsed = FaultCommand.safeParse(body);
          if (parsed.success) applyFault(parsed.data);
          return parsed.success;
        },
        moveMarket: (body) => {
          const req = parseMove(body, [...venue.engine.markets.keys()]);
          if (isMoveError(req)) return req;
          return move(req) ?? { field: 'coin', error: `unknown coin "${req.coin}"` };
        },
      },
      logger,
    ),
  );
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.destroy();
      return;
    }
    if (!hub.admit(req.socket.remoteAddress ?? 'unknown', clock.now())) {
      // venue: over the connection caps the handshake is refused (a 429 is the likely answer)
      socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.accept(ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SimulatorError('simulator failed to listen', { cause: err })));
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const tickMs = opts.tickMs ?? 100;
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : undefined;
  if (opts.latencyMs) faults.setLatency(opts.latencyMs);
  const dropper = opts.dropEveryMs ? setInterval(() => hub.dropConnections(), opts.dropEveryMs) : undefined;
  logger.info({ port, seed: opts.seed ?? 1, tickMs }, 'simulator listening');

  return {
    httpUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}/ws`,
    port,
    venue,
    faults,
    tick,
    move,
    ledger,
    replay,
    close: async () => {
      closed = true;
      if (timer) clearInterval(timer);
      if (dropper) clearInterval(dropper);
      hub.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
