import { CandleInterval, Net } from '@hyperflow/contracts';
import { envBool, envInt, envList, envUrl } from '@hyperflow/service';
import { z } from 'zod';

/** The venue subscription types the ingestor turns into market events. */
export const Channel = z.enum(['trades', 'l2Book', 'bbo', 'candle', 'activeAssetCtx', 'allMids']);
export type Channel = z.infer<typeof Channel>;

/** venue: public endpoints (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api); `sim` has no public address, so it needs URLs */
export const VENUE_URLS: Readonly<Record<Exclude<Net, 'sim'>, { ws: string; rest: string }>> = {
  mainnet: { ws: 'wss://api.hyperliquid.xyz/ws', rest: 'https://api.hyperliquid.xyz' },
  testnet: { ws: 'wss://api.hyperliquid-testnet.xyz/ws', rest: 'https://api.hyperliquid-testnet.xyz' },
};

/** venue: at most 1000 subscriptions per IP (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits), enforced before subscribing */
export const VENUE_MAX_SUBSCRIPTIONS = 1000;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `{"BTC":["trades","l2Book"],"ETH":["bbo"]}`: channels of some coins, overriding CHANNELS. */
const CoinChannels = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON like {"BTC":["trades"]}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), z.array(Channel)));

/** venue: l2Book aggregation (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions) */
const NSigFigs = z
  .enum(['2', '3', '4', '5'], 'expected 2, 3, 4 or 5')
  .transform((v) => Number(v) as 2 | 3 | 4 | 5);
const Mantissa = z.enum(['1', '2', '5'], 'expected 1, 2 or 5').transform((v) => Number(v) as 1 | 2 | 5);

/** Environment of the ingestor, parsed once in main.ts. Units in names, defaults here. */
export const IngestorConfig = z
  .object({
    HL_NETWORK: Net.default('sim'),
    /** overrides the network's WebSocket URL; required for `sim` */
    HL_WS_URL: envUrl({ protocols: ['ws', 'wss'] }).optional(),
    /** overrides the network's REST base (no `/info`); required for `sim` */
    HL_REST_URL: envUrl({ protocols: ['http', 'https'] }).optional(),
    NATS_URL: envList(envUrl({ protocols: ['nats', 'tls', 'ws', 'wss'] })),
    NATS_USER: z.string().optional(),
    NATS_PASS: z.string().optional(),
    NATS_CREDS_FILE: z.string().optional(),
    /** subject root; `hl` in production, another root isolates a test */
    SUBJECT_ROOT: z.string().regex(NAME).default('hl'),
    /** create/update the streams at startup (off where an operator owns them) */
    BUS_PROVISION: envBool().default(false),
    STREAM_PREFIX: z.string().default(''),
    /** a list of coins, or `all` for every listed perp of `meta` */
    COINS: envList().default(['BTC', 'ETH']),
    CHANNELS: envList(Channel).default(['trades', 'l2Book', 'bbo']),
    COIN_CHANNELS: CoinChannels.optional(),
    CANDLE_INTERVALS: envList(CandleInterval).default(['1m']),
    L2_NSIG_FIGS: NSigFigs.optional(),
    L2_MANTISSA: Mantissa.optional(),
    /** venue: 5 levels per side instead of 20 */
    L2_FAST: envBool().default(false),
    /** the per-IP budget bucket shared with every process on this egress IP */
    IP_BUCKET: z.string().regex(NAME).default('default'),
    INSTANCE_ID: z.string().regex(NAME, 'expected letters, digits, _ or -').default('ingestor-0'),
    /** this replica's shard; coins are split over INSTANCE_COUNT replicas without overlap */
    INSTANCE_INDEX: envInt({ min: 0 }).default(0),
    INSTANCE_COUNT: envInt({ min: 1, max: 1000 }).default(1),
    /** a continuously ticking subscription (l2Book, allMids) silent this long is stale; 0 = off */
    STALE_AFTER_MS: envInt({ min: 0 }).default(10_000),
    /** keep-alive ping period; venue: idle close after 60 s (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/timeouts-and-heartbeats) */
    PING_INTERVAL_MS: envInt({ min: 1000, max: 59_000 }).default(30_000),
    PONG_TIMEOUT_MS: envInt({ min: 100 }).default(10_000),
    /** REST polling starts when the socket has been down this long */
    FALLBACK_AFTER_MS: envInt({ min: 0 }).default(5_000),
    FALLBACK_POLL_MS: envInt({ min: 100 }).default(2_000),
    /** share of the per-IP REST weight (1200/min) this process may spend; the rest is for execution */
    REST_WEIGHT_PER_MINUTE: envInt({ min: 1, max: 1200 }).default(600),
    /** backfill after a gap at most this far back */
    BACKFILL_MAX_MS: envInt({ min: 0 }).default(3_600_000),
    /** JSONL file of raw frames with receive times (replayable by the simulator); unset = off */
    RECORD_PATH: z.string().optional(),
    /** WS/REST cross-check: one `/info` snapshot compared with the stream every this many ms; 0 = off */
    AUDIT_INTERVAL_MS: envInt({ min: 0 }).default(20_000),
    /** a streamed book or mid price further than this from the REST snapshot disagrees */
    AUDIT_TOLERANCE_BPS: envInt({ min: 0, max: 10_000 }).default(50),
    /** a disagreement is a drift once it lasts this long: above the plain l2Book's 5 s push cadence */
    AUDIT_CONFIRM_MS: envInt({ min: 0 }).default(12_000),
    /** market batches (about one per frame) waiting for the bus; past it live data is dropped, counted and gap-marked */
    PUBLISH_QUEUE_MAX: envInt({ min: 1 }).default(50_000),
  })
  .superRefine((c, ctx) => {
    if (c.HL_NETWORK === 'sim' && (c.HL_WS_URL === undefined || c.HL_REST_URL === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.HL_WS_URL === undefined ? 'HL_WS_URL' : 'HL_REST_URL'],
        message: 'required when HL_NETWORK=sim',
      });
    }
    if (c.INSTANCE_INDEX >= c.INSTANCE_COUNT) {
      ctx.addIssue({ code: 'custom', path: ['INSTANCE_INDEX'], message: 'must be below INSTANCE_COUNT' });
    }
    // venue: mantissa is only allowed with nSigFigs 5 (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint, l2Book)
    if (c.L2_MANTISSA !== undefined && c.L2_NSIG_FIGS !== 5) {
      ctx.addIssue({ code: 'custom', path: ['L2_MANTISSA'], message: 'only allowed with L2_NSIG_FIGS=5' });
    }
    if (c.COINS.includes('all') && c.COINS.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['COINS'], message: '"all" cannot be combined with coin names' });
    }
  });
export type IngestorConfig = z.infer<typeof IngestorConfig>;

/** The venue endpoints of a config: explicit URLs win over the network's defaults. */
export function venueUrls(c: IngestorConfig): { ws: string; rest: string } {
  const base = c.HL_NETWORK === 'sim' ? undefined : VENUE_URLS[c.HL_NETWORK];
  const ws = c.HL_WS_URL ?? base?.ws;
  const rest = c.HL_REST_URL ?? base?.rest;
  // unreachable after superRefine, kept so a refactor cannot produce an undefined URL
  if (ws === undefined || rest === undefined) throw new RangeError('venue URLs missing');
  return { ws, rest };
}
