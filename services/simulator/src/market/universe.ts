import { z } from 'zod';

export const PerpSpec = z.object({
  name: z.string(),
  szDecimals: z.number().int().min(0).max(6),
  maxLeverage: z.number().int().positive(),
  /** decimal string: where the synthetic walk starts */
  initialPx: z.string(),
});
export type PerpSpec = z.infer<typeof PerpSpec>;

export const SpotToken = z.object({
  name: z.string(),
  szDecimals: z.number().int().min(0).max(8),
  weiDecimals: z.number().int(),
  index: z.number().int(),
  tokenId: z.string(),
});
export type SpotToken = z.infer<typeof SpotToken>;

export const SpotPair = z.object({
  /** venue: "PURR/USDC" is the only named pair, every other pair is "@{index}" */
  name: z.string(),
  tokens: z.tuple([z.number().int(), z.number().int()]),
  index: z.number().int(),
  initialPx: z.string(),
});
export type SpotPair = z.infer<typeof SpotPair>;

/** venue HIP-3: a builder-deployed perp dex; its coins are named "{dex}:{name}" */
export const BuilderDex = z.object({
  name: z.string().regex(/^[a-z0-9]{1,8}$/),
  fullName: z.string(),
  deployer: z.string().regex(/^0x[0-9a-f]{40}$/),
  /** bare names; each has its own lot (szDecimals) and so its own tick */
  perps: z.array(PerpSpec).min(1),
});
export type BuilderDex = z.infer<typeof BuilderDex>;

export const Universe = z.object({
  perps: z.array(PerpSpec).min(1),
  spotTokens: z.array(SpotToken),
  spotPairs: z.array(SpotPair),
  /** builder perp dexes in perpDexs order (perpDexs index = position + 1; index 0 is the first dex) */
  dexes: z.array(BuilderDex).optional(),
});
export type Universe = z.infer<typeof Universe>;

export const DEFAULT_UNIVERSE: Universe = {
  perps: [
    { name: 'BTC', szDecimals: 5, maxLeverage: 40, initialPx: '60000' },
    { name: 'ETH', szDecimals: 4, maxLeverage: 25, initialPx: '3000' },
    { name: 'SOL', szDecimals: 2, maxLeverage: 20, initialPx: '150' },
  ],
  spotTokens: [
    {
      name: 'USDC',
      szDecimals: 8,
      weiDecimals: 8,
      index: 0,
      tokenId: `0x${'6d1e7cde53ba9467b783cb7c530ce054'}`,
    },
    {
      name: 'PURR',
      szDecimals: 0,
      weiDecimals: 5,
      index: 1,
      tokenId: `0x${'c1fb593aeffbeb02f85e0308e9956a90'}`,
    },
    {
      name: 'HYPE',
      szDecimals: 2,
      weiDecimals: 8,
      index: 2,
      tokenId: `0x${'0d01dc56dcaaca66ad901c959b4011ec'}`,
    },
  ],
  spotPairs: [
    { name: 'PURR/USDC', tokens: [1, 0], index: 0, initialPx: '0.2' },
    { name: '@1', tokens: [2, 0], index: 1, initialPx: '25' },
  ],
  dexes: [
    {
      name: 'xyz',
      fullName: 'XYZ builder dex',
      deployer: `0x${'88'.repeat(20)}`,
      perps: [
        { name: 'XYZ100', szDecimals: 4, maxLeverage: 20, initialPx: '25000' },
        { name: 'TSLA', szDecimals: 3, maxLeverage: 10, initialPx: '420' },
      ],
    },
    {
      name: 'flx',
      fullName: 'FLX builder dex',
      deployer: `0x${'99'.repeat(20)}`,
      perps: [{ name: 'GOLD', szDecimals: 2, maxLeverage: 10, initialPx: '3350' }],
    },
  ],
};

// venue: builder perp asset id = 100000 + 10000 × perpDexIndex + index in that dex's meta (doc §2.5)
const BUILDER_PERP_OFFSET = 100_000;
const BUILDER_PERP_STRIDE = 10_000;

/** The venue's coin name of a builder dex perp. */
export function builderCoin(dex: string, name: string): string {
  return `${dex}:${name}`;
}

/**
 * The universe plus `n` synthetic perps `SYN0`..`SYN{n-1}` (benchmarks and load tests need more
 * books than the default three, e.g. 200 coins × 5 channels = 1000 WS subscriptions).
 */
export function withSyntheticPerps(u: Universe, n: number): Universe {
  if (n <= 0) return u;
  const extra = Array.from({ length: n }, (_, i) => ({
    name: `SYN${i}`,
    szDecimals: 2,
    maxLeverage: 10,
    initialPx: String(10 + (i % 90)),
  }));
  return { ...u, perps: [...u.perps, ...extra] };
}

/** One tradable book, perp or spot, with the numbers the rules need. */
export interface MarketSpec {
  readonly coin: string;
  /** venue: perp = index in meta.universe, spot = 10000 + spot index */
  readonly asset: number;
  readonly kind: 'perp' | 'spot';
  /** lot precision (spot: of the base token) */
  readonly szDecimals: number;
  readonly maxLeverage: number;
  readonly initialPx: string;
  readonly quote: string;
  /** base token name (spot balances); the coin itself for perps */
  readonly base: string;
  /** builder perp dex name; "" for the first perp dex and for spot */
  readonly dex: string;
}

export function marketsOf(u: Universe): MarketSpec[] {
  const perps: MarketSpec[] = u.perps.map((p, i) => ({
    coin: p.name,
    asset: i,
    kind: 'perp',
    szDecimals: p.szDecimals,
    maxLeverage: p.maxLeverage,
    initialPx: p.initialPx,
    quote: 'USDC',
    base: p.name,
    dex: '',
  }));
  const spots: MarketSpec[] = u.spotPairs.map((s) => {
    const base = u.spotTokens.find((t) => t.index === s.tokens[0]);
    const quote = u.spotTokens.find((t) => t.index === s.tokens[1]);
    return {
      coin: s.name,
      asset: 10_000 + s.index,
      kind: 'spot',
      szDecimals: base?.szDecimals ?? 0,
      maxLeverage: 1,
      initialPx: s.initialPx,
      quote: quote?.name ?? 'USDC',
      base: base?.name ?? s.name,
      dex: '',
    };
  });
  const builder: MarketSpec[] = (u.dexes ?? []).flatMap((d, di) =>
    d.perps.map((p, i) => ({
      coin: builderCoin(d.name, p.name),
      asset: BUILDER_PERP_OFFSET + BUILDER_PERP_STRIDE * (di + 1) + i,
      // venue: HIP-3 follows the perp tick rule (doc §5, inferred)
      kind: 'perp' as const,
      szDecimals: p.szDecimals,
      maxLeverage: p.maxLeverage,
      initialPx: p.initialPx,
      quote: 'USDC',
      base: builderCoin(d.name, p.name),
      dex: d.name,
    })),
  );
  return [...perps, ...spots, ...builder];
}
