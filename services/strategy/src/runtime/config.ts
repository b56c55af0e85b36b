import { Net } from '@hyperflow/contracts';
import { envBool, envInt, envList, envUrl } from '@hyperflow/service';
import { z } from 'zod';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Environment of the strategy service, parsed once in main.ts. Which strategies and coins this
 * instance runs comes from the strategies document (STRATEGIES_FILE or STRATEGIES_JSON): split
 * strategies/coins across instances by giving each its own document and INSTANCE_ID.
 */
export const StrategyServiceConfig = z
  .object({
    HL_NETWORK: Net.default('sim'),
    NATS_URL: envList(envUrl({ protocols: ['nats', 'tls', 'ws', 'wss'] })),
    NATS_USER: z.string().optional(),
    NATS_PASS: z.string().optional(),
    NATS_CREDS_FILE: z.string().optional(),
    SUBJECT_ROOT: z.string().regex(NAME).default('hl'),
    STREAM_PREFIX: z.string().default(''),
    /** create/update the streams at startup (off where an operator owns them) */
    BUS_PROVISION: envBool().default(false),
    /** names this instance's durable consumers: one per instance */
    INSTANCE_ID: z.string().regex(NAME).default('strategy-1'),
    /** path of a JSON strategies document: {"strategies":[{"kind":"trend","name":…,"config":{"coins":{…}}}]} */
    STRATEGIES_FILE: z.string().min(1).optional(),
    /** the same document inline; its JSON is checked here, so a typo is a config error naming it */
    STRATEGIES_JSON: z
      .string()
      .min(1)
      .refine((s) => isJson(s), 'expected a JSON strategies document (it does not parse as JSON)')
      .optional(),
    /** how much MARKET history is replayed on start to rebuild indicators */
    REPLAY_LOOKBACK_MS: envInt({ min: 0 }).default(6 * 3_600_000),
    /** a signal whose triggering tick is older than this when decided is withheld; 0 = never */
    SIGNAL_MAX_LAG_MS: envInt({ min: 0 }).default(10_000),
    /** save the strategies' state to the snapshots KV bucket every this many live events (and on stop); 0 = never */
    SNAPSHOT_EVERY_EVENTS: envInt({ min: 0 }).default(10_000),
    /** follow our fills and positions (the exit manager and the trend's position awareness need them) */
    ACCOUNT_EVENTS: envBool().default(true),
  })
  .refine((c) => (c.STRATEGIES_FILE === undefined) !== (c.STRATEGIES_JSON === undefined), {
    message: 'set exactly one of STRATEGIES_FILE and STRATEGIES_JSON',
    path: ['STRATEGIES_FILE'],
  });
export type StrategyServiceConfig = z.infer<typeof StrategyServiceConfig>;
