import { z } from 'zod';

/** "0xaddr=value,0xaddr=value" → record; lets compose files set accounts in one variable. */
const PairList = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const out: Record<string, string> = {};
    for (const part of s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [k, v] = part.split('=');
      if (!k || !v || !/^0x[0-9a-fA-F]{40}$/.test(k)) {
        ctx.addIssue({ code: 'custom', message: `bad entry "${part}", expected 0xaddress=value` });
        return z.NEVER;
      }
      out[k.toLowerCase()] = v;
    }
    return out;
  });

/** Environment of the simulator process; defaults in the schema. */
export const SimulatorConfig = z.object({
  SIM_HOST: z.string().default('127.0.0.1'),
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  SIM_SEED: z.coerce.number().int().default(1),
  SIM_TICK_MS: z.coerce.number().int().min(0).default(100),
  SIM_BOOK_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  /** plain l2Book cadence (venue 2026: 5 s; fast books follow SIM_BOOK_INTERVAL_MS) */
  SIM_L2BOOK_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  SIM_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  SIM_NETWORK: z.enum(['mainnet', 'testnet']).default('mainnet'),
  /** funded accounts: 0xaddr=USDC,… */
  SIM_ACCOUNTS: PairList,
  /** approved agents: 0xagent=0xmaster,… */
  SIM_AGENTS: PairList,
  SIM_MAX_WS_CONNECTIONS_PER_IP: z.coerce.number().int().positive().default(10),
  SIM_MAX_NEW_WS_CONNECTIONS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  SIM_IP_WEIGHT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** extra synthetic perps SYN0..SYN{n-1} next to the default universe (load tests, benchmarks) */
  SIM_SYNTHETIC_PERPS: z.coerce.number().int().min(0).max(5000).default(0),
  /** fault: added latency on every REST reply and WS post reply */
  SIM_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  /** fault: drop every WS connection this often; 0 = never */
  SIM_DROP_EVERY_MS: z.coerce.number().int().min(0).default(0),
  /** JSONL recording of venue frames to play to subscribers at start (see parseRecording) */
  SIM_REPLAY_FILE: z.string().optional(),
  /** replay speed: 1 = real time, N = N× faster, "max" = as fast as possible */
  SIM_REPLAY_SPEED: z
    .union([z.literal('max'), z.coerce.number().positive()])
    .default(1)
    .transform((v) => (v === 'max' ? Number.POSITIVE_INFINITY : v)),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** stop when stdin closes: `hyperflow up` holds the other end, so the simulator never outlives it */
  EXIT_ON_STDIN_CLOSE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfig>;
