import { Decimal, Net } from '@hyperflow/contracts';
import { envBool, envInt, envList, envUrl } from '@hyperflow/service';
import { z } from 'zod';
import { ExecutionConfigError } from './errors.js';
import type { RiskLimits } from './risk/engine.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** venue: public REST bases; `sim` has no public address, so it needs HL_REST_URL */
export const VENUE_REST_URLS: Readonly<Record<Exclude<Net, 'sim'>, string>> = {
  mainnet: 'https://api.hyperliquid.xyz',
  testnet: 'https://api.hyperliquid-testnet.xyz',
};

/** Environment of the execution service, parsed once in main.ts. Units in names, defaults here. */
export const ExecutionConfig = z
  .object({
    HL_NETWORK: Net.default('sim'),
    /** dry-run: sign and record, never send; the others send to that venue */
    EXEC_MODE: z.enum(['dry-run', 'sim', 'testnet', 'mainnet']).default('dry-run'),
    /** REST base (no `/exchange`); required for `sim` */
    HL_REST_URL: envUrl({ protocols: ['http', 'https'] }).optional(),
    /** venue WebSocket (account fills and order updates); required on sim to follow the account */
    HL_WS_URL: envUrl({ protocols: ['ws', 'wss'] }).optional(),
    /** how orders go out: REST /exchange, or WS post on a socket of their own (needs a WS URL) */
    EXEC_VIA: z.enum(['rest', 'ws']).default('rest'),
    /** follow userFills and orderUpdates of the account and publish fills on acct. */
    FOLLOW_ACCOUNT: envBool().default(true),
    /**
     * on start and after every account-socket reconnect: fills since the last one seen, from
     * `userFillsByTime`, recorded (one event per tid) and published on acct.fill
     */
    FILL_RECOVERY: envBool().default(true),
    /**
     * venue dead-man's switch (scheduleCancel): while leading, every open order is canceled by the
     * venue this long after the last refresh; 0 = off. ≥ 6000 (venue: ≥ 5 s ahead on arrival, plus
     * a second for the way there); the venue allows it
     * only after $1M traded volume (refused → off, the local DEADMAN_AFTER_MS watchdog remains)
     */
    EXEC_SCHEDULE_CANCEL_MS: envInt({ min: 0 }).default(0),
    /** how far back the first fill recovery looks when no fill was ever seen */
    FILL_RECOVERY_LOOKBACK_MS: envInt({ min: 0 }).default(86_400_000),
    /** phantom-agent source the venue verifies with: the simulator's SIM_NETWORK for `sim` */
    SIGNING_CHAIN: z.enum(['mainnet', 'testnet']).optional(),
    /** a file holding the hex private key (an agent wallet's, recommended) */
    EXEC_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    /** the hex private key itself, when a file cannot be mounted */
    EXEC_PRIVATE_KEY: z.string().min(1).optional(),
    /** the account traded (master or sub-account); default: the signer's own address */
    EXEC_ACCOUNT_ADDRESS: z.string().regex(ADDRESS, 'expected a 0x address').optional(),
    /** a sub-account or vault every order is for (the master or its agent signs) */
    EXEC_VAULT_ADDRESS: z.string().regex(ADDRESS, 'expected a 0x address').optional(),
    NATS_URL: envList(envUrl({ protocols: ['nats', 'tls', 'ws', 'wss'] })),
    NATS_USER: z.string().optional(),
    NATS_PASS: z.string().optional(),
    NATS_CREDS_FILE: z.string().optional(),
    SUBJECT_ROOT: z.string().regex(NAME).default('hl'),
    BUS_PROVISION: envBool().default(false),
    STREAM_PREFIX: z.string().default(''),
    /**
     * sign without the signer lease, on process-local nonces: only when exactly one process ever
     * signs with this key. Otherwise a missing `leases` bucket refuses the start.
     */
    EXEC_SINGLE_PROCESS: envBool().default(false),
    /** the `leases` bucket's max_age (contract: 30 s); a standby takes over at most this long after a crash */
    LEASE_TTL_MS: envInt({ min: 1000 }).default(30_000),
    /**
     * lease presence: the leader answers on `<SUBJECT_ROOT>.lease.<bucket>.<key>.holder`; a standby
     * takes over as soon as the server reports no responders there (the leader's connection is
     * gone: crash, kill), well before LEASE_TTL_MS. false = takeover after a crash only by TTL.
     */
    LEASE_PRESENCE: envBool().default(true),
    /** how often a standby checks the leader's presence; it takes over after 3 "no responders" */
    LEASE_PRESENCE_INTERVAL_MS: envInt({ min: 10 }).default(150),
    /**
     * dead-man's switch: no mids for this long → cancel every open order and enter REDUCE_ONLY
     * (venue scheduleCancel needs $1M traded volume, venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint); 0 = off
     */
    DEADMAN_AFTER_MS: envInt({ min: 0 }).default(30_000),
    /** durable consumer on SIGNALS */
    CONSUMER_NAME: z.string().regex(NAME).default('execution'),
    ACK_WAIT_MS: envInt({ min: 1000 }).default(30_000),
    MAX_DELIVER: envInt({ min: 1 }).default(10),
    /** this process's share of the per-IP REST weight (venue: 1200/min per IP, shared with the ingestor) */
    EXEC_REST_WEIGHT_PER_MINUTE: envInt({ min: 1, max: 1200 }).default(600),
    /** venue: the per-IP weight window is one minute; a 429 blocks sending for one window. Shorter only against the simulator */
    IP_BUDGET_WINDOW_MS: envInt({ min: 100 }).default(60_000),
    /** the per-IP budget bucket shared (NATS KV rate ledger) with every process on this egress IP */
    IP_BUCKET: z.string().regex(NAME).default('default'),
    /** per /exchange send; no answer within it leaves the order's outcome unknown */
    REQUEST_TIMEOUT_MS: envInt({ min: 100 }).default(5_000),
    /** cap on a signed order's expiresAfter (never past the signal's own deadline) */
    EXPIRES_AFTER_MS: envInt({ min: 1000 }).default(30_000),
    /** how often orders with an unknown outcome are resolved (resend identical / orderStatus) */
    RECOVERY_INTERVAL_MS: envInt({ min: 100 }).default(2_000),
    /**
     * sends in flight at once; the rest wait in the submission queue (cancels, then reduce-only,
     * then entries), so signals keep being consumed while the venue budget is exhausted
     */
    EXEC_SUBMIT_CONCURRENCY: envInt({ min: 1, max: 64 }).default(4),
    /** orders waiting in the submission queue at most (then the signal consumer waits for room) */
    EXEC_SUBMIT_QUEUE_MAX: envInt({ min: 1, max: 10_000 }).default(100),
    /**
     * how one decision's events are appended: `atomic` (one ADR-50 batch, one round trip),
     * `sequential` (one acked publish per event), `auto` = atomic when the EXECUTION stream is in
     * memory or replicated, else sequential (measured: a single file-backed server stages batches on disk)
     */
    EXEC_APPEND_STRATEGY: z.enum(['auto', 'sequential', 'atomic']).default('auto'),
    /** a market order's IOC limit goes this far past the mid */
    MARKET_SLIPPAGE_BPS: envInt({ min: 1, max: 5_000 }).default(50),
    RISK_MAX_ORDER_NOTIONAL: Decimal.default('1000'),
    RISK_MAX_POSITION_NOTIONAL_PER_COIN: Decimal.default('5000'),
    RISK_MAX_TOTAL_POSITION_NOTIONAL: Decimal.default('10000'),
    RISK_MAX_OPEN_ORDERS: envInt({ min: 1 }).default(20),
    RISK_MAX_ORDERS_PER_MINUTE: envInt({ min: 1 }).default(60),
    RISK_PRICE_BAND_BPS: envInt({ min: 1, max: 5_000 }).default(100),
    RISK_MAX_MID_AGE_MS: envInt({ min: 100 }).default(10_000),
    /** venue: "Order must have minimum value of $10." */
    RISK_MIN_NOTIONAL: Decimal.default('10'),
    RISK_MAX_CONSECUTIVE_REJECTS: envInt({ min: 1 }).default(5),
  })
  .refine((c) => c.EXEC_PRIVATE_KEY_FILE !== undefined || c.EXEC_PRIVATE_KEY !== undefined, {
    message: 'set EXEC_PRIVATE_KEY_FILE (preferred) or EXEC_PRIVATE_KEY',
    path: ['EXEC_PRIVATE_KEY_FILE'],
  })
  .refine((c) => c.EXEC_MODE === 'dry-run' || c.EXEC_MODE === c.HL_NETWORK, {
    message: 'EXEC_MODE must be dry-run or the same as HL_NETWORK',
    path: ['EXEC_MODE'],
  })
  .refine((c) => c.HL_NETWORK !== 'sim' || c.HL_REST_URL !== undefined, {
    message: 'HL_REST_URL is required on the sim network',
    path: ['HL_REST_URL'],
  })
  .refine((c) => c.EXEC_VIA === 'rest' || c.HL_WS_URL !== undefined || c.HL_NETWORK !== 'sim', {
    message: 'EXEC_VIA=ws needs HL_WS_URL on the sim network',
    path: ['HL_WS_URL'],
  })
  .refine((c) => c.EXEC_SCHEDULE_CANCEL_MS === 0 || c.EXEC_SCHEDULE_CANCEL_MS >= 6_000, {
    message:
      'EXEC_SCHEDULE_CANCEL_MS must be 0 (off) or at least 6000 (the venue wants 5 s ahead on arrival)',
    path: ['EXEC_SCHEDULE_CANCEL_MS'],
  })
  .refine((c) => c.MARKET_SLIPPAGE_BPS < c.RISK_PRICE_BAND_BPS, {
    message: 'MARKET_SLIPPAGE_BPS must be below RISK_PRICE_BAND_BPS, or every market order is refused',
    path: ['MARKET_SLIPPAGE_BPS'],
  });
export type ExecutionConfig = z.infer<typeof ExecutionConfig>;

export const VENUE_WS_URLS: Readonly<Record<Exclude<Net, 'sim'>, string>> = {
  mainnet: 'wss://api.hyperliquid.xyz/ws',
  testnet: 'wss://api.hyperliquid-testnet.xyz/ws',
};

/** The venue WebSocket, or undefined on sim without HL_WS_URL. */
export function wsUrl(c: ExecutionConfig): string | undefined {
  return c.HL_WS_URL ?? (c.HL_NETWORK === 'sim' ? undefined : VENUE_WS_URLS[c.HL_NETWORK]);
}

export function restBaseUrl(c: ExecutionConfig): string {
  if (c.HL_REST_URL !== undefined) return c.HL_REST_URL;
  if (c.HL_NETWORK === 'sim') throw new ExecutionConfigError('HL_REST_URL is required on the sim network');
  return VENUE_REST_URLS[c.HL_NETWORK];
}

/** The chain the signature is for: the network's own, or the simulator's configured one. */
export function signingChain(c: ExecutionConfig): 'mainnet' | 'testnet' {
  return c.SIGNING_CHAIN ?? (c.HL_NETWORK === 'testnet' ? 'testnet' : 'mainnet');
}

/** The risk limits of the configuration. */
export function riskLimits(c: ExecutionConfig): RiskLimits {
  return {
    maxOrderNotional: c.RISK_MAX_ORDER_NOTIONAL,
    maxPositionNotionalPerCoin: c.RISK_MAX_POSITION_NOTIONAL_PER_COIN,
    maxTotalPositionNotional: c.RISK_MAX_TOTAL_POSITION_NOTIONAL,
    maxOpenOrders: c.RISK_MAX_OPEN_ORDERS,
    maxOrdersPerMinute: c.RISK_MAX_ORDERS_PER_MINUTE,
    priceBandBps: c.RISK_PRICE_BAND_BPS,
    maxMidAgeMs: c.RISK_MAX_MID_AGE_MS,
    minNotional: c.RISK_MIN_NOTIONAL,
    maxConsecutiveRejects: c.RISK_MAX_CONSECUTIVE_REJECTS,
  };
}
