import { z } from 'zod';
import { decodeCoin, encodeCoin } from './coin.js';
import { ContractError } from './parse.js';

export const Net = z.enum(['mainnet', 'testnet', 'sim']);
export type Net = z.infer<typeof Net>;

/** venue: candle intervals accepted by `candle` subscriptions and `candleSnapshot` */
export const CandleInterval = z.enum([
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
]);
export type CandleInterval = z.infer<typeof CandleInterval>;

/** The subject root of the public contract; tests use another root to stay isolated. */
export const DEFAULT_ROOT = 'hl';

/** Tokens we mint ourselves (strategy names, instance ids, order ids): no escaping, just checked. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
function name(kind: string, value: string): string {
  if (!NAME.test(value)) {
    throw new ContractError(`invalid ${kind}`, [
      `(root): ${JSON.stringify(value)} must match ${NAME.source}`,
    ]);
  }
  return value;
}

export type MarketKind = 'trade' | 'book' | 'bbo' | 'candle' | 'ctx' | 'mids';

/** Builds every subject of one network. `hl.<net>.…` unless a test root is given. */
export function subjects(net: Net, root: string = DEFAULT_ROOT) {
  name('subject root', root);
  const p = `${root}.${net}`;
  return {
    net,
    root,
    prefix: p,
    trade: (coin: string) => `${p}.md.trade.${encodeCoin(coin)}`,
    book: (coin: string) => `${p}.md.book.${encodeCoin(coin)}`,
    bbo: (coin: string) => `${p}.md.bbo.${encodeCoin(coin)}`,
    candle: (interval: CandleInterval, coin: string) => `${p}.md.candle.${interval}.${encodeCoin(coin)}`,
    ctx: (coin: string) => `${p}.md.ctx.${encodeCoin(coin)}`,
    /** `dex` absent = the first perp dex (with spot mids), as the venue's allMids */
    mids: (dex?: string) => `${p}.md.mids.${dex === undefined ? '_' : encodeCoin(dex)}`,
    feedHealth: (instance: string) => `${p}.md.health.feed.${name('instance id', instance)}`,
    gap: (instance: string) => `${p}.md.health.gap.${name('instance id', instance)}`,
    drift: (instance: string) => `${p}.md.health.drift.${name('instance id', instance)}`,
    signal: (strategy: string, coin: string) =>
      `${p}.signal.${name('strategy name', strategy)}.${encodeCoin(coin)}`,
    /** one subject per order aggregate: its event stream */
    order: (orderId: string) => `${p}.exec.order.${name('order id', orderId)}`,
    /** execution-wide events that belong to no single order (risk state, reconciliation runs) */
    execution: (kind: 'risk' | 'reconcile') => `${p}.exec.${kind}`,
    fill: (coin: string) => `${p}.acct.fill.${encodeCoin(coin)}`,
    position: (coin: string) => `${p}.acct.position.${encodeCoin(coin)}`,
    balance: () => `${p}.acct.balance`,
    control: (target: 'all' | 'execution' | 'strategy') => `${p}.ctl.${target}`,
    dlq: (service: string) => `${p}.dlq.${name('service name', service)}`,
    all: {
      market: `${p}.md.>`,
      health: `${p}.md.health.>`,
      signals: `${p}.signal.>`,
      exec: `${p}.exec.>`,
      orders: `${p}.exec.order.*`,
      acct: `${p}.acct.>`,
      control: `${p}.ctl.>`,
      dlq: `${p}.dlq.>`,
    },
  } as const;
}
export type Subjects = ReturnType<typeof subjects>;

export type ParsedSubject =
  | {
      readonly net: Net;
      readonly family: 'md';
      readonly kind: Exclude<MarketKind, 'candle' | 'mids'>;
      readonly coin: string;
    }
  | {
      readonly net: Net;
      readonly family: 'md';
      readonly kind: 'candle';
      readonly interval: CandleInterval;
      readonly coin: string;
    }
  | { readonly net: Net; readonly family: 'md'; readonly kind: 'mids'; readonly dex: string | undefined }
  | {
      readonly net: Net;
      readonly family: 'health';
      readonly kind: 'feed' | 'gap' | 'drift';
      readonly instance: string;
    }
  | { readonly net: Net; readonly family: 'signal'; readonly strategy: string; readonly coin: string }
  | { readonly net: Net; readonly family: 'exec'; readonly kind: 'order'; readonly orderId: string }
  | { readonly net: Net; readonly family: 'exec'; readonly kind: 'risk' | 'reconcile' }
  | { readonly net: Net; readonly family: 'acct'; readonly kind: 'fill' | 'position'; readonly coin: string }
  | { readonly net: Net; readonly family: 'acct'; readonly kind: 'balance' }
  | { readonly net: Net; readonly family: 'ctl'; readonly target: 'all' | 'execution' | 'strategy' }
  | { readonly net: Net; readonly family: 'dlq'; readonly service: string };

/** The inverse of `subjects()`: what a subject names, or a ContractError saying why it names nothing. */
export function parseSubject(subject: string, root: string = DEFAULT_ROOT): ParsedSubject {
  const bad = (why: string) => new ContractError('invalid subject', [`${subject}: ${why}`]);
  const t = subject.split('.');
  if (t[0] !== root) throw bad(`does not start with ${root}.`);
  const net = Net.safeParse(t[1]);
  if (!net.success) throw bad('unknown network');
  const n = net.data;
  const rest = t.slice(2);
  const [a, b, c, d] = rest;
  const exact = (len: number) => {
    if (rest.length !== len) throw bad(`expected ${len + 2} tokens`);
  };
  const named = (kind: string, v: string | undefined) => {
    if (v === undefined || !NAME.test(v)) throw bad(`invalid ${kind}`);
    return v;
  };
  switch (a) {
    case 'md':
      switch (b) {
        case 'trade':
        case 'book':
        case 'bbo':
        case 'ctx':
          exact(3);
          return { net: n, family: 'md', kind: b, coin: decodeCoin(c ?? '') };
        case 'candle': {
          exact(4);
          const interval = CandleInterval.safeParse(c);
          if (!interval.success) throw bad('unknown candle interval');
          return { net: n, family: 'md', kind: 'candle', interval: interval.data, coin: decodeCoin(d ?? '') };
        }
        case 'mids':
          exact(3);
          return { net: n, family: 'md', kind: 'mids', dex: c === '_' ? undefined : decodeCoin(c ?? '') };
        case 'health':
          exact(4);
          if (c !== 'feed' && c !== 'gap' && c !== 'drift') throw bad('unknown health kind');
          return { net: n, family: 'health', kind: c, instance: named('instance id', d) };
        default:
          throw bad('unknown market data kind');
      }
    case 'signal':
      exact(3);
      return { net: n, family: 'signal', strategy: named('strategy name', b), coin: decodeCoin(c ?? '') };
    case 'exec':
      if (b === 'order') {
        exact(3);
        return { net: n, family: 'exec', kind: 'order', orderId: named('order id', c) };
      }
      if (b === 'risk' || b === 'reconcile') {
        exact(2);
        return { net: n, family: 'exec', kind: b };
      }
      throw bad('unknown exec kind');
    case 'acct':
      if (b === 'fill' || b === 'position') {
        exact(3);
        return { net: n, family: 'acct', kind: b, coin: decodeCoin(c ?? '') };
      }
      if (b === 'balance') {
        exact(2);
        return { net: n, family: 'acct', kind: 'balance' };
      }
      throw bad('unknown acct kind');
    case 'ctl':
      exact(2);
      if (b !== 'all' && b !== 'execution' && b !== 'strategy') throw bad('unknown control target');
      return { net: n, family: 'ctl', target: b };
    case 'dlq':
      exact(2);
      return { net: n, family: 'dlq', service: named('service name', b) };
    default:
      throw bad('unknown family');
  }
}

/** The streams of the contract: names and the subjects each captures (any network). */
export function streams(root: string = DEFAULT_ROOT, namePrefix = '') {
  name('subject root', root);
  return {
    MARKET: { name: `${namePrefix}MARKET`, subjects: [`${root}.*.md.>`] },
    SIGNALS: { name: `${namePrefix}SIGNALS`, subjects: [`${root}.*.signal.>`] },
    EXECUTION: { name: `${namePrefix}EXECUTION`, subjects: [`${root}.*.exec.>`, `${root}.*.acct.>`] },
    CONTROL: { name: `${namePrefix}CONTROL`, subjects: [`${root}.*.ctl.>`] },
    DLQ: { name: `${namePrefix}DLQ`, subjects: [`${root}.*.dlq.>`] },
  } as const;
}
export type StreamKey = keyof ReturnType<typeof streams>;

/** KV buckets of the contract. */
export function buckets(namePrefix = '') {
  return {
    /** per-IP and per-address rate-limit ledger */
    ratelimit: `${namePrefix}hl_ratelimit`,
    /** nonce leases and single-writer leases (entries expire by TTL) */
    leases: `${namePrefix}hl_leases`,
    /** service state snapshots (strategy state, etc.) */
    snapshots: `${namePrefix}hl_snapshots`,
  } as const;
}
